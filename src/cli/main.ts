// The `unet` command line: one file per command, each exporting `register(program)`.
import { Command } from 'commander';
import { commands } from './commands.ts';

const program = new Command();
program
  .name('unet')
  .description('Define, check, train and export U-Net segmentation networks from .unet spec files')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

// Load only the command being run; help and unknown commands need the full list.
const requested = commands.find((c) => c.name === process.argv[2]);
for (const entry of requested ? [requested] : commands) (await entry.load()).register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
