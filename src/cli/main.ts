// The `unet` command line: one file per command, each exporting `register(program)`.
import { Command } from 'commander';
import { registerCommands } from './commands.ts';

const program = new Command();
program
  .name('unet')
  .description('Define, check, train and export U-Net segmentation networks from .unet spec files')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

// Load only the command being run; help and unknown commands need only the table.
await registerCommands(program, process.argv.slice(2));

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
