// Every command of the `unet` CLI, registered in this order (the order of `unet --help`).
import type { Command } from 'commander';
import { register as registerEngines } from './engines.ts';

export const commands: Array<(program: Command) => void> = [registerEngines];
