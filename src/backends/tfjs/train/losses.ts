// Segmentation losses on the network's probabilities (its softmax or sigmoid head) against
// integer class masks. Probabilities are clipped to [EPS, 1 - EPS] before log, as Keras
// does, so a saturated head gives a large finite loss instead of NaN.
import * as tf from '@tensorflow/tfjs';
import type { LossKind } from '../../../language/ir/types.ts';

/** Keras' backend epsilon: the clip of probabilities before log. */
const EPS = 1e-7;
/** milesial/Pytorch-UNet utils/dice_score.py: smoothing of the soft Dice ratio. */
const DICE_SMOOTH = 1e-6;

/**
 * A loss: probs [N, H, W, C] (C = 1 for a sigmoid head, else softmax over C classes),
 * labels [N, H, W] int32 class indices, weights [N, H, W] (the U-Net weight map: weighted_ce,
 * and ce_dice when the spec has a weight_map);
 * volumes have one more spatial axis ([N, D, H, W, C]): the class axis is always the last.
 */
export type LossFn = (probs: tf.Tensor, labels: tf.Tensor, weights?: tf.Tensor) => tf.Scalar;

/** The class (channel) axis: the last one, for images and volumes alike. */
const classAxis = (probs: tf.Tensor) => probs.rank - 1;

/** Every axis but the class axis: batch and spatial axes. */
const nonClassAxes = (probs: tf.Tensor) => Array.from({ length: probs.rank - 1 }, (_, a) => a);

/** Per-class probabilities: a sigmoid head's p becomes the two classes [1 - p, p]. */
export function classProbs(probs: tf.Tensor): tf.Tensor {
  const c = classAxis(probs);
  if (probs.shape[c] !== 1) return probs;
  return tf.concat([tf.sub(1, probs), probs], c);
}

/** One-hot [N, H, W, K] float targets from class indices. */
function oneHot(labels: tf.Tensor, classes: number): tf.Tensor {
  return tf.oneHot(tf.cast(labels, 'int32'), classes).toFloat();
}

/** Cross-entropy of every pixel, [N, H, W]: -sum_k y_k log p_k. */
function pixelCrossEntropy(probs: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const p = classProbs(probs);
  const logP = tf.log(tf.clipByValue(p, EPS, 1 - EPS));
  return tf.neg(tf.sum(tf.mul(oneHot(labels, p.shape[classAxis(p)]), logP), classAxis(p)));
}

/** Categorical cross-entropy, mean over pixels (sigmoid heads: binary cross-entropy). */
export function crossEntropy(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(pixelCrossEntropy(probs, labels));
}

/** Binary cross-entropy; the head is one sigmoid channel or a 2-class softmax. */
export function binaryCrossEntropy(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (probs.shape[classAxis(probs)] > 2) {
    throw new Error(`loss bce needs 1 sigmoid channel or 2 softmax classes, the model has ${probs.shape[classAxis(probs)]} output channels; use ce`);
  }
  return crossEntropy(probs, labels);
}

/**
 * Soft Dice per class over the whole batch, (2 sum p y + s) / (sum p + sum y + s), averaged
 * over classes. A sigmoid head scores its foreground only, a softmax head every class
 * (milesial/Pytorch-UNet: dice_loss with multiclass = n_classes > 1).
 */
export function softDice(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const c = classAxis(probs);
  const sigmoid = probs.shape[c] === 1;
  const y = sigmoid ? tf.expandDims(tf.cast(labels, 'float32'), c) : oneHot(labels, probs.shape[c]);
  const inter = tf.sum(tf.mul(probs, y), nonClassAxes(probs));
  const total = tf.add(tf.sum(probs, nonClassAxes(probs)), tf.sum(y, nonClassAxes(probs)));
  return tf.mean(tf.div(tf.add(tf.mul(2, inter), DICE_SMOOTH), tf.add(total, DICE_SMOOTH)));
}

/** 1 - soft Dice. */
export function diceLoss(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.sub(1, softDice(probs, labels));
}

/**
 * milesial/Pytorch-UNet train.py: cross-entropy + (1 - Dice of the probabilities over one-hot).
 * With a weight map (the spec's `weight_map`), the cross-entropy term is the paper's weighted
 * one (eq. 1), as nnU-Net-style CE + Dice losses weight their CE term.
 */
export function crossEntropyDice(probs: tf.Tensor, labels: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  const ce = weights ? weightedCrossEntropy(probs, labels, weights) : crossEntropy(probs, labels);
  return tf.add(ce, diceLoss(probs, labels));
}

/**
 * U-Net paper, eq. 1: the cross-entropy of each pixel times its weight w(x), averaged over
 * pixels (the paper sums; the mean keeps the learning rate independent of the tile size).
 */
export function weightedCrossEntropy(probs: tf.Tensor, labels: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
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
