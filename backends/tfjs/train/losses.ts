// Segmentation losses on the network's probabilities (its softmax or sigmoid head) against
// integer class masks. Probabilities are clipped to [EPS, 1 - EPS] before log, as Keras
// does, so a saturated head gives a large finite loss instead of NaN.
import * as tf from '@tensorflow/tfjs';
import type { LossKind } from '../../../src/ir/types.ts';

/** Keras' backend epsilon: the clip of probabilities before log. */
const EPS = 1e-7;
/** milesial/Pytorch-UNet utils/dice_score.py: smoothing of the soft Dice ratio. */
const DICE_SMOOTH = 1e-6;

/**
 * A loss: probs [N, H, W, C] (C = 1 for a sigmoid head, else softmax over C classes),
 * labels [N, H, W] int32 class indices, weights [N, H, W] (per-pixel, weighted_ce only).
 */
export type LossFn = (probs: tf.Tensor4D, labels: tf.Tensor3D, weights?: tf.Tensor3D) => tf.Scalar;

/** Per-class probabilities: a sigmoid head's p becomes the two classes [1 - p, p]. */
export function classProbs(probs: tf.Tensor4D): tf.Tensor4D {
  if (probs.shape[3] !== 1) return probs;
  return tf.concat([tf.sub(1, probs), probs], 3);
}

/** One-hot [N, H, W, K] float targets from class indices. */
function oneHot(labels: tf.Tensor3D, classes: number): tf.Tensor4D {
  return tf.oneHot(tf.cast(labels, 'int32'), classes).toFloat() as tf.Tensor4D;
}

/** Cross-entropy of every pixel, [N, H, W]: -sum_k y_k log p_k. */
function pixelCrossEntropy(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Tensor3D {
  const p = classProbs(probs);
  const logP = tf.log(tf.clipByValue(p, EPS, 1 - EPS));
  return tf.neg(tf.sum(tf.mul(oneHot(labels, p.shape[3]), logP), 3)) as tf.Tensor3D;
}

/** Categorical cross-entropy, mean over pixels (sigmoid heads: binary cross-entropy). */
export function crossEntropy(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  return tf.mean(pixelCrossEntropy(probs, labels));
}

/** Binary cross-entropy; the head is one sigmoid channel or a 2-class softmax. */
export function binaryCrossEntropy(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  if (probs.shape[3] > 2) {
    throw new Error(`loss bce needs 1 sigmoid channel or 2 softmax classes, the model has ${probs.shape[3]} output channels; use ce`);
  }
  return crossEntropy(probs, labels);
}

/**
 * Soft Dice per class over the whole batch, (2 sum p y + s) / (sum p + sum y + s), averaged
 * over classes. A sigmoid head scores its foreground only, a softmax head every class
 * (milesial/Pytorch-UNet: dice_loss with multiclass = n_classes > 1).
 */
export function softDice(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  const sigmoid = probs.shape[3] === 1;
  const y = sigmoid ? tf.expandDims(tf.cast(labels, 'float32'), 3) : oneHot(labels, probs.shape[3]);
  const inter = tf.sum(tf.mul(probs, y), [0, 1, 2]);
  const total = tf.add(tf.sum(probs, [0, 1, 2]), tf.sum(y, [0, 1, 2]));
  return tf.mean(tf.div(tf.add(tf.mul(2, inter), DICE_SMOOTH), tf.add(total, DICE_SMOOTH)));
}

/** 1 - soft Dice. */
export function diceLoss(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  return tf.sub(1, softDice(probs, labels));
}

/** milesial/Pytorch-UNet train.py: cross-entropy + (1 - Dice of the probabilities over one-hot). */
export function crossEntropyDice(probs: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  return tf.add(crossEntropy(probs, labels), diceLoss(probs, labels));
}

/**
 * U-Net paper, eq. 1: the cross-entropy of each pixel times its weight w(x), averaged over
 * pixels (the paper sums; the mean keeps the learning rate independent of the tile size).
 */
export function weightedCrossEntropy(probs: tf.Tensor4D, labels: tf.Tensor3D, weights?: tf.Tensor3D): tf.Scalar {
  if (!weights) throw new Error('loss weighted_ce needs a weight map (train section: weight_map)');
  return tf.mean(tf.mul(pixelCrossEntropy(probs, labels), weights));
}

const LOSSES: Record<LossKind, LossFn> = {
  bce: binaryCrossEntropy,
  ce: crossEntropy,
  dice: diceLoss,
  ce_dice: crossEntropyDice,
  weighted_ce: weightedCrossEntropy,
};

/** The loss function of a spec's `loss` setting. */
export function lossFunction(kind: LossKind): LossFn {
  return LOSSES[kind];
}
