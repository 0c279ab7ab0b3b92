import { describe, expect, it } from 'vitest';
import { randError } from '../../src/metrics/rand-error.ts';
import { mask } from './masks.ts';

// Membrane = class 1. Two true cells: A (left, 8 px) and B (right, 4 px); sum t^2 = 80.
const truth = mask(['0010', '0010', '0010', '0010']);

describe('ISBI 2012 Rand error', () => {
  it('is 0 for a perfect prediction', () => {
    expect(randError(truth, truth)).toEqual({ error: 0, precision: 1, recall: 1 });
  });

  it('a merge costs precision: one predicted segment over A and B', () => {
    // n = [8, 4]: sum n^2 = 80, sum s^2 = 12^2 = 144 -> P = 5/9, R = 1, F = 5/7.
    const r = randError(mask(['0000', '0000', '0000', '0000']), truth);
    expect(r.precision).toBeCloseTo(5 / 9, 12);
    expect(r.recall).toBeCloseTo(1, 12);
    expect(r.error).toBeCloseTo(2 / 7, 12);
  });

  it('a split by predicted membrane costs recall; membrane pixels in cells are singletons', () => {
    // A splits into 2 px + 4 px with 2 membrane pixels (singletons); B intact (4 px).
    // sum n^2 = 4 + 16 + 16 + 2 = 38 = sum s^2, sum t^2 = 80: P = 1, R = 0.475.
    const r = randError(mask(['0010', '1110', '0010', '0010']), truth);
    expect(r.precision).toBeCloseTo(1, 12);
    expect(r.recall).toBeCloseTo(38 / 80, 12);
    expect(r.error).toBeCloseTo(1 - (2 * 0.475) / 1.475, 12);
  });

  it('ignores pixels where the ground truth is membrane', () => {
    // A thick true membrane (columns 1-2) predicted thin (column 2): the pixel error is not
    // zero, but restricted to true cells both segmentations agree.
    const thickTruth = mask(['0110', '0110', '0110', '0110']);
    expect(randError(mask(['0010', '0010', '0010', '0010']), thickTruth).error).toBe(0);
  });
});
