// The `unet` command line: one file per command, each exporting `register(program)`.
import { Command } from 'commander';
import { commands } from './commands.ts';

const program = new Command();
program
  .name('unet')
  .description('Define, check, train and export U-Net segmentation networks from .unet spec files')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

for (const register of commands) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
