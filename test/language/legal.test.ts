// The one search for legal input sizes (src/language/shapes/legal.ts) that the front end, the ONNX
// verification, evaluation's tiling window and the tests all use.
import { describe, expect, test } from 'vitest';
import { isLegal, legalExtents, nearestLegal } from '../../src/language/shapes/legal.ts';

/** The paper's network: 12 (mod 16), at least 188. */
const PAPER = { min: 188, modulus: 16, residues: [12] };
/** Two residues, as a network with an odd-sized stage can have. */
const TWO = { min: 5, modulus: 4, residues: [1, 3] };

describe('legal sizes', () => {
  test('isLegal: at least min and a listed residue', () => {
    expect([172, 188, 204, 572, 573].map((s) => isLegal(PAPER, s))).toEqual([false, true, true, true, false]);
  });

  test('legalExtents: the smallest legal ones, or the first from a size on', () => {
    expect(legalExtents(PAPER, 3)).toEqual([188, 204, 220]);
    expect(legalExtents(PAPER, 1, 256)).toEqual([268]);
    expect(legalExtents(PAPER, 1, 1)).toEqual([188]);
    expect(legalExtents(TWO, 4)).toEqual([5, 7, 9, 11]);
  });

  test('nearestLegal: below and above, or only above when nothing is below', () => {
    expect(nearestLegal(PAPER, 560)).toEqual([556, 572]);
    expect(nearestLegal(PAPER, 100)).toEqual([188]);
    expect(nearestLegal(TWO, 8)).toEqual([7, 9]);
  });
});
