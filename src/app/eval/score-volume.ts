// Scores of one predicted mask volume against its ground truth, in the shape of score.ts:
// Dice, IoU and pixel error over every voxel of the volume; the Rand and warping errors,
// (and V_info), which are 2D topological figures (connected regions in a plane, the ISBI 2012 challenge
// scores slices), slice by slice: Rand error, precision, recall, V_info and warping error are means
// over the slices (all of one size, so the warping error is split and merger voxels over all
// voxels), splits and mergers are counted over all slices.
import type { VolumeMask } from '../../data/types.ts';
import { flatMask, maskSlice } from '../../data/volume.ts';
import { diceScores } from '../../metrics/dice.ts';
import { iouScores } from '../../metrics/iou.ts';
import { pixelError } from '../../metrics/pixel-error.ts';
import { infoScore } from '../../metrics/info-score.ts';
import { randError } from '../../metrics/rand-error.ts';
import { warpingError } from '../../metrics/warping-error.ts';
import type { ImageScores } from './score.ts';

/** The scores of a volume: those of an image, with its depth. */
export type VolumeScores = ImageScores & { depth: number };

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function scoreVolume(name: string, pred: VolumeMask, truth: VolumeMask, classes: number, boundaryClass: number, seconds: number): VolumeScores {
  const [p, t] = [flatMask(pred), flatMask(truth)];
  const slices = Array.from({ length: truth.depth }, (_, k) => [maskSlice(pred, k), maskSlice(truth, k)] as const);
  const rand = slices.map(([ps, ts]) => randError(ps, ts, boundaryClass));
  const info = slices.map(([ps, ts]) => infoScore(ps, ts, boundaryClass));
  const warping = slices.map(([ps, ts]) => warpingError(ps, ts, boundaryClass));
  return {
    name,
    depth: truth.depth,
    height: truth.height,
    width: truth.width,
    dice: diceScores(p, t, classes),
    iou: iouScores(p, t, classes),
    pixelError: pixelError(p, t),
    rand: { error: mean(rand.map((r) => r.error)), precision: mean(rand.map((r) => r.precision)), recall: mean(rand.map((r) => r.recall)) },
    info: { score: mean(info.map((v) => v.score)), split: mean(info.map((v) => v.split)), merge: mean(info.map((v) => v.merge)) },
    warping: {
      error: mean(warping.map((w) => w.error)),
      allMismatchesError: mean(warping.map((w) => w.allMismatchesError)),
      splitPixels: sum(warping.map((w) => w.splitPixels)),
      mergerPixels: sum(warping.map((w) => w.mergerPixels)),
      splits: sum(warping.map((w) => w.splits)),
      mergers: sum(warping.map((w) => w.mergers)),
    },
    seconds,
  };
}
