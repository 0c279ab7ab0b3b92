// Samples -> tensors, in an order fixed by (seed, epoch), so a run can be repeated and a
// resumed run sees exactly the batches the interrupted one would have seen.
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../../data/random.ts';
import type { Sample, VolumeSample } from '../../../data/types.ts';
import { spatialSize } from '../../../data/volume.ts';

/** A training sample of a 2D or a 3D network. */
export type AnySample = Sample | VolumeSample;

/**
 * One sample at the network's sizes: image (or volume) at the input size, mask (and weights)
 * at the output size.
 */
export interface Prepared<S extends AnySample = Sample> {
  image: S['image'];
  mask: S['mask'];
  /** Per-pixel loss weights at the mask's size (U-Net paper weight map), or null. */
  weights: Float32Array | null;
}

/**
 * A batch as tensors: x [N, H, W, C], labels [N, h, w] int32, weights [N, h, w] or null
 * (volumes: x [N, D, H, W, C], labels and weights [N, d, h, w]).
 */
export interface Batch {
  x: tf.Tensor;
  labels: tf.Tensor;
  weights: tf.Tensor | null;
  size: number;
}

/** The sample order of an epoch: a shuffle seeded by (seed, epoch) alone. */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return new Random(seed).fork(`order/${epoch}`).shuffle(Array.from({ length: count }, (_, i) => i));
}

/** Stacks prepared samples (all the same size) into tensors. */
export function toBatch(items: Prepared<AnySample>[]): Batch {
  const { image, mask } = items[0];
  const inSize = spatialSize(image);
  const outSize = spatialSize(mask);
  const pixels = image.data.length;
  const outPixels = mask.data.length;
  const x = new Float32Array(items.length * pixels);
  const labels = new Int32Array(items.length * outPixels);
  const withWeights = items[0].weights !== null;
  const weights = withWeights ? new Float32Array(items.length * outPixels) : null;
  items.forEach((item, i) => {
    x.set(item.image.data, i * pixels);
    labels.set(item.mask.data, i * outPixels);
    if (weights) weights.set(item.weights!, i * outPixels);
  });
  const n = items.length;
  return {
    x: tf.tensor(x, [n, ...inSize, image.channels]),
    labels: tf.tensor(labels, [n, ...outSize], 'int32'),
    weights: weights ? tf.tensor(weights, [n, ...outSize]) : null,
    size: n,
  };
}

export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.labels.dispose();
  batch.weights?.dispose();
}

/** Index groups of `batch` consecutive items (the last may be smaller). */
export function chunks(indices: number[], batch: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += batch) out.push(indices.slice(i, i + batch));
  return out;
}
