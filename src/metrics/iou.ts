// Intersection over union (Jaccard) per class: the ISBI cell tracking 2015 figure
// (U-Net paper: 0.9203 on PhC-U373, 0.7756 on DIC-HeLa).
import type { Mask2D } from '../data/types.ts';
import { classCounts } from './check.ts';

/** IoU of each class 0..numClasses-1; a class absent from both masks scores 1 (as Dice). */
export function iouScores(pred: Mask2D, truth: Mask2D, numClasses: number): number[] {
  const { predCount, truthCount, both } = classCounts(pred, truth, numClasses);
  return Array.from({ length: numClasses }, (_, k) => {
    const union = predCount[k] + truthCount[k] - both[k];
    return union === 0 ? 1 : both[k] / union;
  });
}
