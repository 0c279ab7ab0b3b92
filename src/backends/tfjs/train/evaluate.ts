// Validation: loss, Dice and IoU of the network in inference mode (dropout off, batch
// norm on its moving statistics) over prepared validation samples.
import * as tf from '@tensorflow/tfjs';
import { chunks, disposeBatch, toBatch, type AnySample, type Prepared } from './batches.ts';
import type { LossFn } from './losses.ts';
import type { Mask2D } from '../../../data/types.ts';
import { flatMask } from '../../../data/volume.ts';
import { diceScores } from '../../../metrics/dice.ts';
import { iouScores } from '../../../metrics/iou.ts';

export interface Evaluation {
  loss: number;
  /** Dice of the foreground classes (1..K-1), mean over classes and images. */
  dice: number;
  /** IoU of the foreground classes, mean over classes and images. */
  iou: number;
}

/** Predicted class per pixel (voxel): p > 0.5 for a sigmoid head, argmax for softmax (the last axis). */
export function predictedClasses(probs: tf.Tensor): tf.Tensor {
  const c = probs.rank - 1;
  return tf.tidy(() => (probs.shape[c] === 1 ? tf.cast(tf.greater(tf.squeeze(probs, [c]), 0.5), 'int32') : tf.argMax(probs, c)));
}

/**
 * Splits a batch's predicted classes [N, h, w] (here as floats) into masks; volumes
 * [N, d, h, w] into flat masks of d x h rows (flatMask), which is all the per-voxel metrics need.
 */
function toMasks(classes: Float32Array, shape: number[]): Mask2D[] {
  const [n, ...size] = shape;
  const width = size[size.length - 1];
  const height = size.slice(0, -1).reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => ({
    height,
    width,
    data: Uint8Array.from(classes.subarray(i * height * width, (i + 1) * height * width)),
  }));
}

/**
 * The batch's loss and predicted classes in one readback (issue 14: each readback makes the
 * CPU wait for the GPU): [loss, class of every pixel...] as float32, exact for class indices.
 */
async function readLossAndClasses(loss: tf.Tensor, pred: tf.Tensor): Promise<{ loss: number; classes: Float32Array }> {
  const both = tf.tidy(() => tf.concat([tf.reshape(loss, [1]), tf.cast(tf.reshape(pred, [-1]), 'float32')]));
  const values = (await both.data()) as Float32Array;
  both.dispose();
  return { loss: values[0], classes: values.subarray(1) };
}

/** Mean over the foreground classes 1..k-1 of per-class scores. */
function foregroundMean(scores: number[]): number {
  const fg = scores.slice(1);
  return fg.reduce((a, b) => a + b, 0) / fg.length;
}

/**
 * Evaluates the model on samples in batches: loss, and Dice and IoU of the foreground
 * classes (src/metrics) averaged over images. Reads with data(), once a batch: the webgpu
 * engine has no synchronous read in Node.
 */
export async function evaluate(model: tf.LayersModel, samples: Prepared<AnySample>[], loss: LossFn, batch: number, classes: number): Promise<Evaluation> {
  const k = Math.max(classes, 2);
  let lossSum = 0;
  let diceSum = 0;
  let iouSum = 0;
  for (const group of chunks(samples.map((_, i) => i), batch)) {
    const b = toBatch(group.map((i) => samples[i]));
    const probs = model.predict(b.x) as tf.Tensor;
    const l = tf.tidy(() => loss(probs, b.labels, b.weights ?? undefined));
    const pred = predictedClasses(probs);
    const read = await readLossAndClasses(l, pred);
    lossSum += read.loss * b.size;
    toMasks(read.classes, pred.shape).forEach((mask, j) => {
      const truth = flatMask(samples[group[j]].mask);
      diceSum += foregroundMean(diceScores(mask, truth, k));
      iouSum += foregroundMean(iouScores(mask, truth, k));
    });
    tf.dispose([probs, l, pred]);
    disposeBatch(b);
  }
  const n = samples.length;
  return { loss: lossSum / n, dice: diceSum / n, iou: iouSum / n };
}
