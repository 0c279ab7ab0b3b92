// `unet ir SPEC [--input CxHxW]`: the IR as JSON (deterministic: same spec, same bytes).
import type { Command } from 'commander';
import { loadModel, parseInputOption } from './spec-input.ts';

export function register(program: Command): void {
  program
    .command('ir')
    .description('print the IR (JSON) of a spec')
    .argument('<spec>', 'a .unet spec or an IR .json file')
    .option('--input <CxHxW>', 'input size (overrides the spec)', parseInputOption)
    .addHelpText('after', '\nExample:\n  unet ir specs/ellipses.unet > ellipses.ir.json')
    .action((path: string, opts: { input?: (number | null)[] }) => {
      const { model } = loadModel(path, opts.input ? { input: opts.input } : {});
      if (model) process.stdout.write(JSON.stringify(model, null, 2) + '\n');
    });
}
