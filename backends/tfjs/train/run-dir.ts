// The run directory of `unet train`: everything needed to understand, repeat, resume and
// use a training run.
//
//   spec.unet      the spec text as compiled          ir.json       the IR the model was built from
//   config.json    the resolved configuration (spec's train section with the flags merged in)
//   metrics.jsonl  one JSON line per epoch            chart.png     loss and Dice curves
//   last/          checkpoint after the last epoch (or the Ctrl-C stop): resume from here
//   best/          checkpoint with the best validation Dice: predict uses this
//   model/         the same network in the tfjs layers format (backends/tfjs/io.ts)
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Normalizer } from '../../../src/data/normalize.ts';
import type { Model, TrainConfig } from '../../../src/ir/types.ts';
import { validateModel } from '../../../src/ir/validate.ts';
import { expectThat, readJsonFile } from '../../../src/io/read-file.ts';
import { drawChart } from './chart.ts';
import type { EpochRecord } from './loop.ts';

/** config.json: what a run was trained with, enough to repeat or resume it. */
export interface RunConfig {
  spec: string;
  data: string;
  engine: string;
  /** Network input size the model was built for (the crop, or the images' size). */
  inputSize: number[];
  normalizer: Normalizer;
  train: TrainConfig;
}

export const runPaths = (dir: string) => ({
  spec: join(dir, 'spec.unet'),
  ir: join(dir, 'ir.json'),
  config: join(dir, 'config.json'),
  metrics: join(dir, 'metrics.jsonl'),
  chart: join(dir, 'chart.png'),
  last: join(dir, 'last'),
  best: join(dir, 'best'),
  model: join(dir, 'model'),
});

/** Writes a file via a temp file and rename, so readers never see half of it. */
async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** True when dir holds a run (its config.json). */
export function holdsRun(dir: string): boolean {
  return existsSync(runPaths(dir).config);
}

/** Removes every file a run writes, so a new run in dir does not mix with the old one. */
export async function clearRunDir(dir: string): Promise<void> {
  await Promise.all(Object.values(runPaths(dir)).map((path) => rm(path, { recursive: true, force: true })));
}

/** Refuses to start a fresh run over an existing one (it would mix two runs' files). */
export function assertFreshRunDir(dir: string): void {
  if (holdsRun(dir)) {
    throw new Error(`${dir}: already holds a run (config.json); pass --resume to continue it, or choose another --out`);
  }
}

/** Creates the run directory with the spec, the IR and the resolved configuration. */
export async function createRunDir(dir: string, ir: Model, config: RunConfig): Promise<void> {
  const paths = runPaths(dir);
  await mkdir(dir, { recursive: true });
  await writeAtomically(paths.spec, ir.source.text);
  await writeAtomically(paths.ir, JSON.stringify(ir, null, 2) + '\n');
  await writeAtomically(paths.config, JSON.stringify(config, null, 2) + '\n');
}

/** Reads the IR and configuration of an existing run; errors name the missing file. */
export async function readRunDir(dir: string): Promise<{ ir: Model; config: RunConfig }> {
  const paths = runPaths(dir);
  for (const path of [paths.ir, paths.config]) {
    if (!existsSync(path)) throw new Error(`${dir}: not a training run (${path} is missing)`);
  }
  return {
    ir: await readJsonFile(paths.ir, "a run's IR", validateModel),
    config: await readJsonFile(paths.config, "a run's configuration", asRunConfig),
  };
}

/** The fields of config.json that resuming, predicting and exporting rely on, checked before use. */
function asRunConfig(value: unknown): RunConfig {
  const c = value as Partial<RunConfig> | null;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  expectThat(isObject(c), 'expected a JSON object');
  expectThat(typeof c!.spec === 'string' && typeof c!.data === 'string', '`spec` and `data` must be strings');
  expectThat(Array.isArray(c!.inputSize) && c!.inputSize.every((n) => Number.isInteger(n) && n > 0), '`inputSize` must be a list of positive integers');
  expectThat(isObject(c!.normalizer) && isObject(c!.train), '`normalizer` and `train` must be objects');
  expectThat(Number.isInteger(c!.train!.epochs) && Number.isInteger(c!.train!.batch), '`train.epochs` and `train.batch` must be integers');
  return c as RunConfig;
}

/** Rewrites metrics.jsonl and chart.png from the whole history (also right after a resume). */
export async function writeHistory(dir: string, history: EpochRecord[]): Promise<void> {
  const paths = runPaths(dir);
  await writeAtomically(paths.metrics, history.map((r) => JSON.stringify(r) + '\n').join(''));
  await writeAtomically(paths.chart, await drawChart(history));
}
