// Whether a run prepares its batches ahead in worker threads (prep-pool.ts), and with how many.
// Prefetching pays when preparing a batch costs a noticeable share of a step (augmentation,
// weight maps: ~110 ms a batch of 4 ISBI crops against a ~450 ms step) and a core is left
// to prepare on while the step runs; for a few unaugmented images it would only add the
// threads' start-up, so `auto` measures one batch first.
import { availableParallelism } from 'node:os';
import type { Random } from '../../data/random.ts';
import type { EngineName } from '../../backends/tfjs/engines.ts';
import type { AnySample, Prepared } from '../../backends/tfjs/train/batches.ts';
import { wantedWasmThreads } from '../../backends/tfjs/wasm-threads.ts';
import { augmentRng } from '../../backends/tfjs/train/prepare.ts';

/** `auto` prefetches when preparing one batch on this thread takes at least this long. */
export const PREFETCH_MIN_MS = 20;

/** Preparation workers at most: beyond a few, they would only take cores from the step. */
const MAX_PREP_WORKERS = 4;

/** true, false or 'auto' from UNET_PREFETCH (1, 0, unset or anything else). */
export function prefetchRequest(env: string | undefined): boolean | 'auto' {
  return env === '1' ? true : env === '0' ? false : 'auto';
}

/** Milliseconds to prepare one batch of the first samples on this thread (generators no training step uses). */
export function batchCost<S extends AnySample>(train: S[], prepare: (sample: S, rng: Random) => Prepared<S>, batch: number): number {
  const started = performance.now();
  for (let i = 0; i < Math.min(batch, train.length); i++) prepare(train[i], augmentRng(0, -1, i));
  return performance.now() - started;
}

/**
 * Cores are those this process may run on (availableParallelism: a run pinned with taskset
 * or limited by its container counts only its own), not every core of the machine.
 *
 * Cores a training step keeps busy: the main thread feeding a GPU; every core for tfjs-node;
 * on wasm one per data-parallel replica, or the engine's XNNPACK threads for one replica;
 * one per replica on cpu (JavaScript, one thread).
 */
export function stepCores(engine: EngineName, replicas: number, cores = availableParallelism()): number {
  if (engine === 'webgpu' || engine === 'gpu') return 1;
  if (engine === 'node') return cores;
  if (engine === 'wasm' && replicas === 1) return wantedWasmThreads();
  return replicas;
}

/**
 * Preparation worker threads for a run (0: prepare on the main thread): the cores the step
 * leaves (`busy`: stepCores), at least one and at most MAX_PREP_WORKERS. `auto` prefetches
 * only where the step leaves a core and a batch is costly (`cost`, in ms, measured only then):
 * with every core busy in the step (2 replicas on 2 cores), a preparation thread only takes
 * its time from the step (bench/RESULTS.md, "Batches prepared ahead").
 */
export function prepWorkers(request: boolean | 'auto', busy: number, cost: () => number, cores = availableParallelism()): number {
  if (request === false) return 0;
  if (request === 'auto' && (cores <= busy || cost() < PREFETCH_MIN_MS)) return 0;
  return Math.max(1, Math.min(MAX_PREP_WORKERS, cores - busy));
}
