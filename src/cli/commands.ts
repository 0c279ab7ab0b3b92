// Every command of the `unet` CLI, registered in this order (the order of `unet --help`).
import type { Command } from 'commander';
import { register as registerCheck } from './check.ts';
import { register as registerFmt } from './fmt.ts';
import { register as registerIr } from './ir.ts';
import { register as registerDraw } from './draw.ts';
import { register as registerServe } from './serve.ts';
import { register as registerEngines } from './engines.ts';
import { register as registerTrain } from './train.ts';
import { register as registerPredict } from './predict.ts';
import { register as registerExport } from './export.ts';
import { register as registerEmit } from './emit.ts';

export const commands: Array<(program: Command) => void> = [registerCheck, registerFmt, registerIr, registerDraw, registerServe, registerEngines, registerExport, registerEmit, registerTrain, registerPredict];
