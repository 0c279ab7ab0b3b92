// Scores of one predicted mask against its ground truth, and their summary over a data set:
// per-class Dice and IoU, pixel error, and the ISBI 2012 Rand error, information score V_info
// and warping error of the boundary class (all from src/metrics, so `unet eval` and the metrics tests agree by
// construction). The warping error is also taken the challenge's way when the probability map
// is at hand: at each threshold 0.0 ... 0.9, the minimum over thresholds of the mean.
import type { Mask2D } from '../../data/types.ts';
import { diceScores } from '../../metrics/dice.ts';
import { iouScores } from '../../metrics/iou.ts';
import { pixelError } from '../../metrics/pixel-error.ts';
import { infoScore, type InfoScore } from '../../metrics/info-score.ts';
import { randError, type RandScore } from '../../metrics/rand-error.ts';
import { ISBI_2012_THRESHOLDS, warpingError, warpingErrorOfMap, type WarpingScore } from '../../metrics/warping-error.ts';

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
  /** Foreground-restricted information score V_info (1 = same segments), the boundary class taken as membrane. */
  info: InfoScore;
  /** Warping error of the predicted mask (split and merger pixels over all), the boundary class as membrane. */
  warping: WarpingScore;
  /** Warping error of the cell-probability map at each of ISBI_2012_THRESHOLDS, when it was given. */
  warpingByThreshold?: number[];
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
  infoScore: number;
  infoSplit: number;
  infoMerge: number;
  warpingError: number;
  warpingSplits: number;
  warpingMergers: number;
  /** The challenge's figure: the threshold whose mean warping error over the images is least, and that error. */
  isbiWarping?: { error: number; threshold: number };
  seconds: number;
}

/** `cellProbability`: 1 - the boundary class's probability per pixel, for the challenge's threshold sweep. */
export function scoreImage(
  name: string,
  pred: Mask2D,
  truth: Mask2D,
  classes: number,
  boundaryClass: number,
  seconds: number,
  cellProbability?: Float32Array,
): ImageScores {
  return {
    name,
    height: truth.height,
    width: truth.width,
    dice: diceScores(pred, truth, classes),
    iou: iouScores(pred, truth, classes),
    pixelError: pixelError(pred, truth),
    rand: randError(pred, truth, boundaryClass),
    info: infoScore(pred, truth, boundaryClass),
    warping: warpingError(pred, truth, boundaryClass),
    ...(cellProbability && {
      warpingByThreshold: ISBI_2012_THRESHOLDS.map((t) => warpingErrorOfMap(truth, cellProbability, t, boundaryClass).error),
    }),
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
    infoScore: mean(rows.map((r) => r.info.score)),
    infoSplit: mean(rows.map((r) => r.info.split)),
    infoMerge: mean(rows.map((r) => r.info.merge)),
    warpingError: mean(rows.map((r) => r.warping.error)),
    warpingSplits: mean(rows.map((r) => r.warping.splits)),
    warpingMergers: mean(rows.map((r) => r.warping.mergers)),
    ...(rows.every((r) => r.warpingByThreshold) && { isbiWarping: leastMeanOverThresholds(rows.map((r) => r.warpingByThreshold!)) }),
    seconds: rows.reduce((s, r) => s + r.seconds, 0),
  };
}

/** Fiji's getMinimumSplitsAndMergersErrorValue over a stack: the first threshold with the least mean error. */
function leastMeanOverThresholds(perImage: number[][]): { error: number; threshold: number } {
  let best = { error: Infinity, threshold: ISBI_2012_THRESHOLDS[0] };
  ISBI_2012_THRESHOLDS.forEach((threshold, t) => {
    const error = mean(perImage.map((errors) => errors[t]));
    if (error < best.error) best = { error, threshold };
  });
  return best;
}
