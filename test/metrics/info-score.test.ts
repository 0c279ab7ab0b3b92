import { describe, expect, it } from 'vitest';
import { infoScore } from '../../src/metrics/info-score.ts';
import { mask } from './masks.ts';

// Membrane = class 1. Two true cells: A (left, 8 px) and B (right, 4 px) in 16 pixels.
// As the challenge's scripts do, probabilities are counts over all 16 pixels, so with
// f(x) = (x/16) ln(x/16): H(T) = -(f(8) + f(4)) = 0.5 ln 2 + 0.25 ln 4 = ln 2.
const truth = mask(['0010', '0010', '0010', '0010']);

describe('ISBI 2012 information-theoretic score V_info', () => {
  it('is 1 for a perfect prediction', () => {
    expect(infoScore(truth, truth)).toEqual({ score: 1, split: 1, merge: 1 });
  });

  it('a merge costs the merge score: one predicted segment over A and B', () => {
    // s = [12]: H(S) = -f(12) = 0.75 ln(4/3); the joint table is the truth's, so
    // I = H(S): split = I/H(S) = 1, merge = I/H(T) = 0.75 ln(4/3) / ln 2.
    const merge = (0.75 * Math.log(4 / 3)) / Math.log(2);
    const r = infoScore(mask(['0000', '0000', '0000', '0000']), truth);
    expect(r.split).toBeCloseTo(1, 12);
    expect(r.merge).toBeCloseTo(merge, 12);
    expect(r.score).toBeCloseTo((2 * merge) / (1 + merge), 12);
  });

  it('a split costs the split score; predicted membrane in a cell is one-pixel segments', () => {
    // A splits into 2 px + 4 px with 2 membrane pixels (singletons); B intact (4 px).
    // Every predicted segment lies in one true cell, so I = H(T) = ln 2 and merge = 1;
    // H(S) = -(f(2) + 2 f(4) + 2 f(1)) = (3/8 + 1 + 1/2) ln 2 = (15/8) ln 2: split = 8/15,
    // V_info = 2 (8/15) / (1 + 8/15) = 16/23.
    const r = infoScore(mask(['0010', '1110', '0010', '0010']), truth);
    expect(r.merge).toBeCloseTo(1, 12);
    expect(r.split).toBeCloseTo(8 / 15, 12);
    expect(r.score).toBeCloseTo(16 / 23, 12);
  });

  it('ignores pixels where the ground truth is membrane', () => {
    const thickTruth = mask(['0110', '0110', '0110', '0110']);
    expect(infoScore(mask(['0010', '0010', '0010', '0010']), thickTruth).score).toBeCloseTo(1, 12);
  });

  it('is 1 with no foreground to score, and with one cell filling the image predicted whole', () => {
    expect(infoScore(mask(['11', '11']), mask(['11', '11'])).score).toBe(1);
    expect(infoScore(mask(['00', '00']), mask(['00', '00'])).score).toBe(1);
  });
});
