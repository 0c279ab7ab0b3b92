// Whether a run prepares its batches ahead in worker threads (prep-pool.ts), and with how many.
// Prefetching pays when preparing a batch costs a noticeable share of a step (augmentation,
// weight maps: ~110 ms a batch of 4 ISBI crops, bench/RESULTS.md); for a few unaugmented images
// it would only add the threads' start-up (about a second), so `auto` measures one batch first.
import { cpus } from 'node:os';
import type { Random } from '../../data/random.ts';
import type { AnySample, Prepared } from '../../backends/tfjs/train/batches.ts';
import { augmentRng } from '../../backends/tfjs/train/batch-source.ts';

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
 * Preparation worker threads for a run (0: prepare on the main thread): the cores the
 * data-parallel replicas leave, at least one and at most MAX_PREP_WORKERS; with `auto`,
 * none on a single core or when a batch is cheap to prepare (`cost`, in ms, measured only then).
 */
export function prepWorkers(request: boolean | 'auto', replicas: number, cost: () => number, cores = cpus().length): number {
  if (request === false) return 0;
  if (request === 'auto' && (cores < 2 || cost() < PREFETCH_MIN_MS)) return 0;
  return Math.max(1, Math.min(MAX_PREP_WORKERS, cores - replicas));
}
