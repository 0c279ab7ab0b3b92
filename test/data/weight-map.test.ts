import { describe, expect, it } from 'vitest';
import {
  classBalanceWeights,
  nearestCellDistances,
  unetWeightMap,
  weightMapToImage,
} from '../../src/data/weight-map.ts';
import { connectedComponents } from '../../src/data/components.ts';
import { Random } from '../../src/data/random.ts';
import type { Mask2D } from '../../src/data/types.ts';

/** Two 8x8 square cells separated by a 2-pixel gap, in a 20x30 image. */
function touchingCells(): Mask2D {
  const h = 20;
  const w = 30;
  const data = new Uint8Array(h * w);
  for (let y = 6; y < 14; y++) {
    for (let x = 5; x < 13; x++) data[y * w + x] = 1;
    for (let x = 15; x < 23; x++) data[y * w + x] = 1;
  }
  return { height: h, width: w, data };
}

describe('U-Net weight map', () => {
  it('is highest in the gap between two touching cells', () => {
    const mask = touchingCells();
    const weights = unetWeightMap(mask, 2);
    let best = 0;
    for (let i = 1; i < weights.length; i++) if (weights[i] > weights[best]) best = i;
    const x = best % mask.width;
    const y = Math.floor(best / mask.width);
    expect([13, 14]).toContain(x);
    expect(y).toBeGreaterThanOrEqual(6);
    expect(y).toBeLessThan(14);
    // In the gap d1 = 1, d2 = 2 at most: w = w_c(0) + 10 exp(-9/50).
    expect(weights[best]).toBeCloseTo(1 + 10 * Math.exp(-9 / 50), 5);
  });

  it('equals w_c far from cells and inside cells', () => {
    const mask = touchingCells();
    const wc = classBalanceWeights([mask], 2);
    expect(wc[0]).toBe(1); // background is the majority class
    expect(wc[1]).toBeCloseTo((600 - 128) / 128, 12);
    const weights = unetWeightMap(mask, 2);
    expect(weights[0]).toBeCloseTo(wc[0] + 10 * Math.exp(-((Math.hypot(6, 5) + Math.hypot(6, 15)) ** 2) / 50), 5);
    const far = unetWeightMap(mask, 2, { w0: 10, sigma: 1 });
    expect(far[0]).toBeCloseTo(1, 6); // d1 + d2 >> sigma: only w_c
    expect(weights[10 * 30 + 8]).toBeCloseTo(wc[1], 5); // inside a cell: w_c only
  });

  it('d1/d2 match brute force on a small random image', () => {
    const rng = new Random(4);
    const h = 14;
    const w = 16;
    const data = Uint8Array.from({ length: h * w }, () => (rng.bool(0.3) ? 1 : 0));
    const cells = connectedComponents(h, w, (i) => data[i] === 1);
    const { d1, d2 } = nearestCellDistances(cells.labels, cells.count, h, w);
    for (let i = 0; i < h * w; i++) {
      const perCell = new Array(cells.count).fill(Infinity);
      for (let j = 0; j < h * w; j++) {
        const l = cells.labels[j];
        if (l === 0) continue;
        const d = Math.hypot(Math.floor(i / w) - Math.floor(j / w), (i % w) - (j % w));
        perCell[l - 1] = Math.min(perCell[l - 1], d);
      }
      perCell.sort((a, b) => a - b);
      expect(d1[i]).toBeCloseTo(perCell[0], 9);
      if (cells.count > 1) expect(d2[i]).toBeCloseTo(perCell[1], 9);
      else expect(d2[i]).toBe(Infinity);
    }
    // The margin-restricted default agrees with the unrestricted map to within w0 exp(-8).
    const mask = { height: h, width: w, data };
    const exact = unetWeightMap(mask, 2, { sigma: 2, margin: Infinity });
    const fast = unetWeightMap(mask, 2, { sigma: 2 });
    exact.forEach((v, i) => expect(Math.abs(v - fast[i])).toBeLessThan(10 * Math.exp(-8)));
  });

  it('uses instance labels when given, so touching instances get a border', () => {
    // One connected blob made of two instances: as components there is no second cell.
    const mask: Mask2D = { height: 1, width: 7, data: Uint8Array.from([1, 1, 1, 0, 1, 1, 1]) };
    const instances = Int32Array.from([1, 1, 1, 0, 2, 2, 2]);
    const w = unetWeightMap(mask, 2, { instances, classWeights: [1, 1] });
    expect(w[3]).toBeCloseTo(1 + 10 * Math.exp(-4 / 50), 6);
    const preview = weightMapToImage(w, 1, 7);
    expect(Math.max(...preview.data)).toBe(1);
    expect(preview.data[0]).toBeCloseTo(1 / w[3], 6);
  });
});
