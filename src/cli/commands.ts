// Every command of the `unet` CLI, registered in this order (the order of `unet --help`).
import type { Command } from 'commander';

export const commands: Array<(program: Command) => void> = [];
