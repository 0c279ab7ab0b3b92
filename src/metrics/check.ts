// Shared by the metrics: the size check (comparing masks of different sizes is a caller bug)
// and the per-class pixel counts that Dice and IoU are built from.
import type { Mask2D } from '../data/types.ts';

/** Throws when prediction and truth differ in size. */
export function assertSameSize(pred: Mask2D, truth: Mask2D): void {
  if (pred.height !== truth.height || pred.width !== truth.width) {
    throw new RangeError(
      `prediction is ${pred.width}x${pred.height} but ground truth is ${truth.width}x${truth.height}`,
    );
  }
}

/** Per-class counts of |pred = k|, |truth = k| and |both = k|. */
export function classCounts(pred: Mask2D, truth: Mask2D, numClasses: number) {
  assertSameSize(pred, truth);
  const predCount = new Float64Array(numClasses);
  const truthCount = new Float64Array(numClasses);
  const both = new Float64Array(numClasses);
  for (let i = 0; i < pred.data.length; i++) {
    const p = pred.data[i];
    const t = truth.data[i];
    predCount[p]++;
    truthCount[t]++;
    if (p === t) both[p]++;
  }
  return { predCount, truthCount, both };
}
