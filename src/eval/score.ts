// Scores of one predicted mask against its ground truth, and their summary over a data set:
// per-class Dice and IoU, pixel error, and the ISBI 2012 Rand error of the boundary class
// (all from src/metrics, so `unet eval` and the metrics tests agree by construction).
import type { Mask2D } from '../data/types.ts';
import { diceScores } from '../metrics/dice.ts';
import { iouScores } from '../metrics/iou.ts';
import { pixelError } from '../metrics/pixel-error.ts';
import { randError, type RandScore } from '../metrics/rand-error.ts';

/** The scores of one image. */
export interface ImageScores {
  name: string;
  height: number;
  width: number;
  /** Dice of each class 0..K-1. */
  dice: number[];
  /** IoU of each class 0..K-1. */
  iou: number[];
  pixelError: number;
  /** Foreground-restricted Rand error, the boundary class taken as membrane. */
  rand: RandScore;
  /** Time to segment the image. */
  seconds: number;
}

/** Means over images of every figure (the per-image average, as in training's validation). */
export interface SummaryScores {
  images: number;
  dice: number[];
  iou: number[];
  pixelError: number;
  randError: number;
  randPrecision: number;
  randRecall: number;
  seconds: number;
}

export function scoreImage(name: string, pred: Mask2D, truth: Mask2D, classes: number, boundaryClass: number, seconds: number): ImageScores {
  return {
    name,
    height: truth.height,
    width: truth.width,
    dice: diceScores(pred, truth, classes),
    iou: iouScores(pred, truth, classes),
    pixelError: pixelError(pred, truth),
    rand: randError(pred, truth, boundaryClass),
    seconds,
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function summarize(rows: ImageScores[]): SummaryScores {
  const classes = rows[0].dice.length;
  const perClass = (pick: (r: ImageScores) => number[]) => Array.from({ length: classes }, (_, k) => mean(rows.map((r) => pick(r)[k])));
  return {
    images: rows.length,
    dice: perClass((r) => r.dice),
    iou: perClass((r) => r.iou),
    pixelError: mean(rows.map((r) => r.pixelError)),
    randError: mean(rows.map((r) => r.rand.error)),
    randPrecision: mean(rows.map((r) => r.rand.precision)),
    randRecall: mean(rows.map((r) => r.rand.recall)),
    seconds: rows.reduce((s, r) => s + r.seconds, 0),
  };
}
