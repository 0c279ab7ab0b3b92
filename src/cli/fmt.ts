// `unet fmt SPEC [--write] [--check]`: the canonical form of a spec file.
import type { Command } from 'commander';
import { formatDiagnostics } from '../language/diagnostics.ts';
import { formatSpec } from '../language/format-spec.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { readSpecFile } from '../node/read-spec.ts';

export function register(program: Command): void {
  program
    .command('fmt')
    .description('print a spec in canonical form')
    .argument('<spec>', 'a .unet file')
    .option('--write', 'rewrite the file in place')
    .option('--check', 'exit 1 if the file is not in canonical form')
    .addHelpText('after', '\nExample:\n  unet fmt specs/milesial.unet --write')
    .action((path: string, opts: { write?: boolean; check?: boolean }) => {
      const read = readSpecFile(path);
      if ('error' in read) throw new Error(`cannot read ${path}: it ${read.error}`);
      const text = read.text;
      const { text: printed, diagnostics } = formatSpec(text, path);
      // Formatting a file with syntax errors would drop what could not be parsed.
      if (printed === null) {
        process.stderr.write(formatDiagnostics(diagnostics, new Map([[path, text]])) + '\n');
        process.exitCode = 1;
        return;
      }
      if (opts.check) {
        if (printed !== text) {
          process.stderr.write(`${path} is not in canonical form (run unet fmt --write)\n`);
          process.exitCode = 1;
        }
      } else if (opts.write) {
        writeFileAtomic(path, printed);
      } else process.stdout.write(printed);
    });
}
