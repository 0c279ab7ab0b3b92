// Dice coefficient per class: 2 |P ∩ T| / (|P| + |T|), the everyday overlap figure
// (Carvana: 0.988 for the PyTorch U-Net).
import type { Mask2D } from '../data/types.ts';
import { classCounts } from './check.ts';

/**
 * Dice score of each class 0..numClasses-1. A class absent from both masks scores 1
 * (nothing to find, nothing wrongly found), so an empty slice does not read as a failure.
 */
export function diceScores(pred: Mask2D, truth: Mask2D, numClasses: number): number[] {
  const { predCount, truthCount, both } = classCounts(pred, truth, numClasses);
  return Array.from({ length: numClasses }, (_, k) => {
    const denom = predCount[k] + truthCount[k];
    return denom === 0 ? 1 : (2 * both[k]) / denom;
  });
}
