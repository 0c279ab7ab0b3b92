// Each loss against a value computed by hand on a 2x2 image.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  crossEntropy,
  crossEntropyDice,
  diceLoss,
  weightedCrossEntropy,
} from '../../../../src/backends/tfjs/train/losses.ts';

await tf.setBackend('cpu');

// Sigmoid head: p(foreground) per pixel, labels 1 0 / 1 0.
const p = [0.9, 0.2, 0.6, 0.1];
const y = [1, 0, 1, 0];
const sigmoid = () => tf.tensor4d(p, [1, 2, 2, 1]);
const softmax = () => tf.tensor4d(p.flatMap((q) => [1 - q, q]), [1, 2, 2, 2]);
const labels = () => tf.tensor3d(y, [1, 2, 2], 'int32');
const value = (t: tf.Scalar) => t.dataSync()[0];

// -mean(y ln p + (1 - y) ln(1 - p)) over the four pixels.
const bce = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.9)) / 4;

describe('losses', () => {
  it('binary cross-entropy: sigmoid head and 2-class softmax agree with the hand value', () => {
    expect(value(binaryCrossEntropy(sigmoid(), labels()))).toBeCloseTo(bce, 6);
    expect(value(binaryCrossEntropy(softmax(), labels()))).toBeCloseTo(bce, 6);
  });

  it('bce refuses more than two classes', () => {
    expect(() => binaryCrossEntropy(tf.ones([1, 2, 2, 3]) as tf.Tensor4D, labels())).toThrow(/3 output channels/);
  });

  it('categorical cross-entropy over three classes', () => {
    const probs = tf.tensor4d([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], [1, 1, 2, 3]);
    const l = tf.tensor3d([0, 2], [1, 1, 2], 'int32');
    expect(value(crossEntropy(probs, l))).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6)) / 2, 6);
  });

  it('clips probabilities so a confident wrong pixel gives a finite loss', () => {
    const probs = tf.tensor4d([0, 1], [1, 1, 1, 2]);
    const l = tf.tensor3d([0], [1, 1, 1], 'int32');
    expect(value(crossEntropy(probs, l))).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it('soft Dice: sigmoid head scores the foreground only', () => {
    // 2 * (0.9 + 0.6) / ((0.9 + 0.2 + 0.6 + 0.1) + 2) = 3 / 3.8
    expect(value(diceLoss(sigmoid(), labels()))).toBeCloseTo(1 - 3 / 3.8, 6);
  });

  it('soft Dice: softmax head averages every class', () => {
    // class 0: probs 0.1 0.8 0.4 0.9, target 0 1 0 1: 2 * 1.7 / (2.2 + 2)
    const dice0 = 3.4 / 4.2;
    const dice1 = 3 / 3.8;
    expect(value(diceLoss(softmax(), labels()))).toBeCloseTo(1 - (dice0 + dice1) / 2, 6);
  });

  it('CE + Dice is the sum of the two', () => {
    const dice0 = 3.4 / 4.2;
    const dice1 = 3 / 3.8;
    expect(value(crossEntropyDice(softmax(), labels()))).toBeCloseTo(bce + 1 - (dice0 + dice1) / 2, 6);
  });

  it('CE + Dice with a weight map: the weighted cross-entropy plus the (unweighted) Dice loss', () => {
    const w = tf.tensor3d([1, 2, 3, 0.5], [1, 2, 2]);
    const weightedCe = -(1 * Math.log(0.9) + 2 * Math.log(0.8) + 3 * Math.log(0.6) + 0.5 * Math.log(0.9)) / 4;
    const dice = (3.4 / 4.2 + 3 / 3.8) / 2;
    expect(value(crossEntropyDice(softmax(), labels(), w))).toBeCloseTo(weightedCe + 1 - dice, 6);
  });

  it('weighted cross-entropy: mean of w(x) times the pixel cross-entropy', () => {
    const w = tf.tensor3d([1, 2, 3, 0.5], [1, 2, 2]);
    const hand = -(1 * Math.log(0.9) + 2 * Math.log(0.8) + 3 * Math.log(0.6) + 0.5 * Math.log(0.9)) / 4;
    expect(value(weightedCrossEntropy(sigmoid(), labels(), w))).toBeCloseTo(hand, 6);
    expect(() => weightedCrossEntropy(sigmoid(), labels())).toThrow(/weight map/);
  });
});
