// Pixel error: the fraction of pixels whose class differs from the ground truth. For binary
// labels this is the ISBI 2012 challenge's pixel error on a thresholded map (the squared
// Euclidean distance between the label images, per pixel).
import type { Mask2D } from '../data/types.ts';
import { assertSameSize } from './check.ts';

/** Fraction of pixels where the predicted class differs from the true class. */
export function pixelError(pred: Mask2D, truth: Mask2D): number {
  assertSameSize(pred, truth);
  let wrong = 0;
  for (let i = 0; i < pred.data.length; i++) if (pred.data[i] !== truth.data[i]) wrong++;
  return wrong / pred.data.length;
}
