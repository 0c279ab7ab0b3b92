// Messages between the training process (prep-pool.ts) and a sample-preparation worker
// thread (prep-worker.ts). Sample arrays travel as transferred copies.
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';
import type { AnySample, Prepared } from '../../backends/tfjs/train/batches.ts';

export type ToPrep =
  /** Once, at start: what the preparers are built from, the seed of the generators, the training samples. */
  | { type: 'init'; ir: Model; normalizer: Normalizer; seed: number; train: AnySample[] }
  /** Prepare training sample `index` for `epoch`; answered with 'prepared' (in the order asked). */
  | { type: 'prepare'; epoch: number; index: number };

export type FromPrep =
  | { type: 'ready' }
  | { type: 'prepared'; sample: Prepared<AnySample> }
  | { type: 'error'; message: string };

/** A sample's copy with arrays of its own (a view of a larger buffer would otherwise carry all of it). */
export function ownArrays<T extends { image: { data: Float32Array }; mask: { data: Uint8Array } }>(sample: T): T {
  return { ...sample, image: { ...sample.image, data: sample.image.data.slice() }, mask: { ...sample.mask, data: sample.mask.data.slice() } };
}

/** The buffers of a sample's arrays, to transfer. */
export function sampleBuffers(sample: { image: { data: Float32Array }; mask: { data: Uint8Array }; weights?: Float32Array | null }): ArrayBuffer[] {
  return [sample.image.data, sample.mask.data, ...(sample.weights ? [sample.weights] : [])].map((a) => a.buffer as ArrayBuffer);
}
