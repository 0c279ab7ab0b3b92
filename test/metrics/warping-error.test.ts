import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../src/data/components.ts';
import { isSimpleCode, NEIGHBOUR_OFFSETS, SIMPLE_POINT_TABLE } from '../../src/metrics/simple-point.ts';
import { ISBI_2012_THRESHOLDS, warpingError, warpingErrorOfMap, warpLabel } from '../../src/metrics/warping-error.ts';
import { mask } from './masks.ts';

// Masks use class 1 = membrane, 0 = cell (as ISBI with mask_values 255, 0).

/** A 3x3 neighbourhood from rows of 0/1 (1 = cell); the centre is ignored. */
function code(rows: string[]): number {
  let c = 0;
  NEIGHBOUR_OFFSETS.forEach(([dx, dy], k) => {
    if (rows[1 + dy][1 + dx] === '1') c |= 1 << k;
  });
  return c;
}

describe('simple points (4-connected cells, 8-connected membrane)', () => {
  it('decides the textbook configurations', () => {
    expect(isSimpleCode(code(['000', '0.0', '000']))).toBe(false); // isolated: would delete/create an object
    expect(isSimpleCode(code(['111', '1.1', '111']))).toBe(false); // interior: would punch/fill a hole
    expect(isSimpleCode(code(['010', '0.0', '000']))).toBe(true); // end of a line
    expect(isSimpleCode(code(['100', '0.0', '000']))).toBe(false); // diagonal cell is not 4-connected to p
    expect(isSimpleCode(code(['010', '0.0', '010']))).toBe(false); // middle of a line: two cells, or a bridge
    expect(isSimpleCode(code(['100', '1.0', '100']))).toBe(true); // on a straight border
    expect(isSimpleCode(code(['011', '1.1', '110']))).toBe(false); // two cells meeting diagonally
    expect(isSimpleCode(code(['110', '1.0', '000']))).toBe(true); // convex corner
    expect(isSimpleCode(code(['111', '1.1', '110']))).toBe(true); // one membrane corner: an 8-connected background
  });

  it('the 256-entry table is the same under the 8 rotations and reflections of the square', () => {
    const transforms: ((x: number, y: number) => [number, number])[] = [
      (x, y) => [-y, x],
      (x, y) => [-x, -y],
      (x, y) => [y, -x],
      (x, y) => [-x, y],
      (x, y) => [x, -y],
      (x, y) => [y, x],
      (x, y) => [-y, -x],
    ];
    const index = (x: number, y: number) => NEIGHBOUR_OFFSETS.findIndex(([dx, dy]) => dx === x && dy === y);
    for (const t of transforms) {
      for (let c = 0; c < 256; c++) {
        let moved = 0;
        NEIGHBOUR_OFFSETS.forEach(([dx, dy], k) => {
          if ((c >> k) & 1) moved |= 1 << index(...t(dx, dy));
        });
        expect(SIMPLE_POINT_TABLE[moved]).toBe(SIMPLE_POINT_TABLE[c]);
      }
    }
  });
});

// Two cells side by side, separated by a membrane in column 2 from border to border.
const twoCells = mask(['001000', '001000', '001000', '001000', '001000', '001000']);

describe('warping error on hand-counted masks', () => {
  it('is 0 for identical masks', () => {
    expect(warpingError(twoCells, twoCells)).toEqual({ error: 0, allMismatchesError: 0, splitPixels: 0, mergerPixels: 0, splits: 0, mergers: 0 });
  });

  it('is 0 for a shifted or thickened membrane (same topology)', () => {
    const shifted = mask(['000100', '000100', '000100', '000100', '000100', '000100']);
    const thick = mask(['001100', '001100', '001100', '001100', '001100', '001100']);
    const wavy = mask(['010000', '011000', '001000', '001100', '000100', '001100']);
    for (const pred of [shifted, thick, wavy]) expect(warpingError(pred, twoCells).allMismatchesError).toBe(0);
  });

  it('a missing membrane merges two cells: every one of its 6 pixels is a non-simple merger pixel', () => {
    const noMembrane = mask(['000000', '000000', '000000', '000000', '000000', '000000']);
    expect(warpingError(noMembrane, twoCells)).toEqual({
      error: 6 / 36,
      allMismatchesError: 6 / 36,
      splitPixels: 0,
      mergerPixels: 6,
      splits: 0,
      mergers: 1,
    });
  });

  it('a one-pixel gap in the membrane is one merger pixel', () => {
    const gap = mask(['001000', '001000', '001000', '000000', '001000', '001000']);
    expect(warpingError(gap, twoCells)).toMatchObject({ error: 1 / 36, mergerPixels: 1, mergers: 1, splitPixels: 0 });
  });

  it('a spurious membrane across a cell is one split pixel: all but its last pixel are simple flips', () => {
    // Column 2 turns to membrane from the top; rows 0-4 are simple (the membrane grows from
    // the frame), (2,5) would cut the cell in two.
    const oneCell = mask(['000000', '000000', '000000', '000000', '000000', '000000']);
    expect(warpingError(twoCells, oneCell)).toEqual({
      error: 1 / 36,
      allMismatchesError: 1 / 36,
      splitPixels: 1,
      mergerPixels: 0,
      splits: 1,
      mergers: 0,
    });
  });

  it('an isolated membrane fragment inside a cell is a hole addition: counted by Jain, not by the challenge', () => {
    const oneCell = mask(['0000000', '0000000', '0000000', '0000000', '0000000', '0000000', '0000000']);
    const fragment = mask(['0000000', '0001000', '0001000', '0001000', '0001000', '0001000', '0000000']);
    expect(warpingError(fragment, oneCell)).toEqual({ error: 0, allMismatchesError: 5 / 49, splitPixels: 0, mergerPixels: 0, splits: 0, mergers: 0 });
  });

  it('two separate mergers are two errors', () => {
    const threeCells = mask(['0100100', '0100100', '0100100', '0100100', '0100100']);
    const merged = mask(['0000000', '0000000', '0000000', '0000000', '0000000']);
    expect(warpingError(merged, threeCells)).toMatchObject({ mergerPixels: 10, mergers: 2, error: 10 / 35 });
  });
});

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Blobby random 0/1 image: random values smoothed by a 3x3 box and thresholded. */
function blobs(width: number, height: number, rand: () => number): { label: Uint8Array; probability: Float32Array } {
  const noise = Float32Array.from({ length: width * height }, rand);
  const probability = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height) {
            s += noise[(y + dy) * width + x + dx];
            n++;
          }
        }
      }
      probability[y * width + x] = s / n;
    }
  }
  return { label: Uint8Array.from(probability, (p) => (p > 0.5 ? 1 : 0)), probability };
}

/** Component counts of a 0/1 image inside a membrane (0) frame: cells 4-connected, membrane 8-connected. */
function topology(image: Uint8Array, width: number, height: number): [number, number] {
  const w = width + 2;
  const framed = new Uint8Array(w * (height + 2));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) framed[(y + 1) * w + x + 1] = image[y * width + x];
  return [
    connectedComponents(height + 2, w, (i) => framed[i] === 1, 4).count,
    connectedComponents(height + 2, w, (i) => framed[i] === 0, 8).count,
  ];
}

/** The reference's loop as written: rescan, sort, visit every mismatch, until a pass flips nothing. */
function warpByRescanning(label: Uint8Array, proposal: Float32Array, width: number, height: number, threshold: number): Uint8Array {
  const source = Uint8Array.from(label);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : source[y * width + x]);
  for (;;) {
    const pass: { p: number; z: number }[] = [];
    for (let x = 0; x < width; x++) {
      for (let y = 0; y < height; y++) {
        const p = y * width + x;
        if (source[p] !== (proposal[p] > threshold ? 1 : 0)) pass.push({ p, z: Math.fround(Math.abs(proposal[p] - threshold)) });
      }
    }
    pass.sort((a, b) => b.z - a.z);
    let flips = 0;
    for (const { p } of pass) {
      const x = p % width;
      const y = (p - x) / width;
      let c = 0;
      NEIGHBOUR_OFFSETS.forEach(([dx, dy], k) => (c |= at(x + dx, y + dy) << k));
      if (SIMPLE_POINT_TABLE[c]) {
        source[p] ^= 1;
        flips++;
      }
    }
    if (flips === 0) return source;
  }
}

describe('warping on random masks', () => {
  const cases = Array.from({ length: 12 }, (_, seed) => seed);

  it('never changes the label topology, and leaves no simple mismatch behind', () => {
    for (const seed of cases) {
      const rand = random(seed + 1);
      const width = 24 + seed;
      const height = 20;
      const truth = blobs(width, height, rand);
      const proposal = blobs(width, height, rand).probability;
      const { warped, mismatches } = warpLabel(truth.label, proposal, width, height, 0.5);
      expect(topology(warped, width, height)).toEqual(topology(truth.label, width, height));
      const differing = warped.reduce((n, v, i) => n + (v !== (proposal[i] > 0.5 ? 1 : 0) ? 1 : 0), 0);
      expect(mismatches.length).toBe(differing);
      for (const p of mismatches) {
        const x = p % width;
        const y = (p - x) / width;
        let c = 0;
        NEIGHBOUR_OFFSETS.forEach(([dx, dy], k) => {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height) c |= warped[ny * width + nx] << k;
        });
        expect(SIMPLE_POINT_TABLE[c]).toBe(0);
      }
    }
  });

  it('gives exactly the result of rescanning every pass (the queue only skips tests whose answer cannot change)', () => {
    for (const seed of cases) {
      const rand = random(100 + seed);
      const width = 30;
      const height = 26;
      const truth = blobs(width, height, rand);
      const proposal = blobs(width, height, rand).probability;
      for (const threshold of [0.3, 0.5]) {
        expect(warpLabel(truth.label, proposal, width, height, threshold).warped).toEqual(warpByRescanning(truth.label, proposal, width, height, threshold));
      }
    }
  });

  it('scores a probability map at each of the challenge thresholds 0.0 ... 0.9', () => {
    expect(ISBI_2012_THRESHOLDS).toHaveLength(10);
    expect(ISBI_2012_THRESHOLDS[3]).toBe(0.30000000000000004); // accumulated as Fiji's loop does
    const rand = random(7);
    const truth = blobs(40, 40, rand);
    const truthMask = { height: 40, width: 40, data: Uint8Array.from(truth.label, (v) => 1 - v) };
    for (const t of ISBI_2012_THRESHOLDS) {
      const score = warpingErrorOfMap(truthMask, truth.probability, t);
      // Its own smoothed map thresholded at 0.5 is the label: no error there.
      if (t === 0.5) expect(score.allMismatchesError).toBe(0);
      expect(score.error).toBeLessThanOrEqual(score.allMismatchesError);
    }
  });
});
