// The run directory of `unet train` (and `unet import`): everything needed to understand,
// repeat, resume and use a training run.
//
//   .unet-run.json  marker: the folder is a run (src/io/out-dir.ts)   .unet-lock.json  while a command writes it
//   spec.unet      the spec text as compiled          ir.json       the IR the model was built from
//   config.json    the resolved configuration (spec's train section with the flags merged in)
//   metrics.jsonl  one JSON line per epoch            chart.png     loss and Dice curves
//   checkpoints/   numbered checkpoints; last.json names the latest (resume from it), best.json
//                  the one with the best validation Dice (predict uses it): src/io/checkpoints.ts
//   model/         the best checkpoint's network in the tfjs layers format (src/backends/tfjs/io.ts)
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Normalizer } from '../../data/normalize.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { checkpointPaths, pruneCheckpoints } from '../../io/checkpoints.ts';
import { acquireLock } from '../../io/lock.ts';
import { claimOutDir, readMarker } from '../../io/out-dir.ts';
import type { Model, TrainConfig } from '../../language/ir/types.ts';
import { validateModel } from '../../language/ir/validate.ts';
import { expectThat, readJsonFile } from '../../io/read-file.ts';
import { drawChart } from './chart.ts';
import type { EpochRecord } from '../../backends/tfjs/train/loop.ts';

/** config.json: what a run was trained with, enough to repeat or resume it. */
export interface RunConfig {
  spec: string;
  /** The training data, or `onnx:FILE` for a run of `unet import`. */
  data: string;
  engine: string;
  /** Network input size the model was built for (the crop, or the images' size). */
  inputSize: number[];
  normalizer: Normalizer;
  train: TrainConfig;
  /** The run or .onnx file whose weights training started from (`unet train --init`). */
  init?: string;
}

export const runPaths = (dir: string) => ({
  spec: join(dir, 'spec.unet'),
  ir: join(dir, 'ir.json'),
  config: join(dir, 'config.json'),
  metrics: join(dir, 'metrics.jsonl'),
  chart: join(dir, 'chart.png'),
  model: join(dir, 'model'),
});

/** Every file a run generates (relative): what the marker lists and a new run replaces. */
function runFiles(dir: string): string[] {
  return [...Object.values(runPaths(dir)), ...checkpointPaths(dir)].map((path) => relative(dir, path));
}

/** True when dir holds a run of this unet version (its marker and config.json). */
export function holdsRun(dir: string): boolean {
  return readMarker(dir, 'run') !== null && existsSync(runPaths(dir).config);
}

/**
 * Takes dir for `command` under the output-directory policy and its lock, removes what a
 * crash left, and with `replace` the files of the earlier run there (only those). Returns
 * the lock's release.
 */
export function openRunDir(dir: string, command: string, options: { replace: boolean; onStale?: (message: string) => void }): () => void {
  claimOutDir(dir, 'run', command, runFiles(dir));
  const release = acquireLock(dir, `unet ${command}`, options.onStale);
  try {
    if (options.replace) for (const file of runFiles(dir)) rmSync(join(dir, file), { recursive: true, force: true });
    pruneCheckpoints(dir);
    return release;
  } catch (error) {
    release();
    throw error;
  }
}

/** Writes the spec, the IR and the resolved configuration into an opened run directory. */
export function createRunDir(dir: string, ir: Model, config: RunConfig): void {
  const paths = runPaths(dir);
  writeFileAtomic(paths.spec, ir.source.text);
  writeFileAtomic(paths.ir, JSON.stringify(ir, null, 2) + '\n');
  writeFileAtomic(paths.config, JSON.stringify(config, null, 2) + '\n');
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
  writeFileAtomic(paths.metrics, history.map((r) => JSON.stringify(r) + '\n').join(''));
  writeFileAtomic(paths.chart, await drawChart(history));
}
