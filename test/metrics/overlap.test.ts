import { describe, expect, it } from 'vitest';
import { diceScores } from '../../src/metrics/dice.ts';
import { iouScores } from '../../src/metrics/iou.ts';
import { pixelError } from '../../src/metrics/pixel-error.ts';
import { mask } from './masks.ts';

// Class 1: |P| = 4, |T| = 4, |P ∩ T| = 3. Class 0: 12, 12, 11.
const truth = mask(['1100', '1100', '0000', '0000']);
const pred = mask(['1110', '1000', '0000', '0000']);

describe('overlap metrics on a 4x4 example', () => {
  it('Dice = 2|P∩T| / (|P|+|T|) per class', () => {
    const [d0, d1] = diceScores(pred, truth, 2);
    expect(d1).toBeCloseTo(6 / 8, 12);
    expect(d0).toBeCloseTo(22 / 24, 12);
  });

  it('IoU = |P∩T| / |P∪T| per class', () => {
    const [i0, i1] = iouScores(pred, truth, 2);
    expect(i1).toBeCloseTo(3 / 5, 12);
    expect(i0).toBeCloseTo(11 / 13, 12);
  });

  it('a class absent from both masks scores 1; perfect prediction scores 1', () => {
    expect(diceScores(truth, truth, 3)).toEqual([1, 1, 1]);
    expect(iouScores(truth, truth, 3)).toEqual([1, 1, 1]);
  });

  it('pixel error is the fraction of differing pixels', () => {
    expect(pixelError(pred, truth)).toBe(2 / 16);
    expect(pixelError(truth, truth)).toBe(0);
  });

  it('refuses masks of different sizes', () => {
    expect(() => pixelError(mask(['01']), truth)).toThrow(/2x1 but ground truth is 4x4/);
  });
});
