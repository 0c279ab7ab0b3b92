import { describe, expect, it } from 'vitest';
import { distanceTransform, squaredDistanceTransform } from '../../src/data/edt.ts';
import { Random } from '../../src/data/random.ts';

/** Squared distance to the nearest feature pixel by checking every pair. */
function bruteForce(feature: Uint8Array, h: number, w: number): Float64Array {
  const out = new Float64Array(h * w).fill(Infinity);
  for (let i = 0; i < h * w; i++) {
    for (let j = 0; j < h * w; j++) {
      if (!feature[j]) continue;
      const dy = Math.floor(i / w) - Math.floor(j / w);
      const dx = (i % w) - (j % w);
      out[i] = Math.min(out[i], dx * dx + dy * dy);
    }
  }
  return out;
}

describe('Euclidean distance transform', () => {
  it('equals brute force on random small binary images', () => {
    const rng = new Random(11);
    for (let t = 0; t < 40; t++) {
      const h = 1 + rng.int(12);
      const w = 1 + rng.int(12);
      const density = rng.uniform(0, 0.3);
      const feature = Uint8Array.from({ length: h * w }, () => (rng.bool(density) ? 1 : 0));
      expect(Array.from(squaredDistanceTransform(feature, h, w))).toEqual(Array.from(bruteForce(feature, h, w)));
    }
  });

  it('is Infinity everywhere without features, and 0 on features', () => {
    expect(Array.from(distanceTransform(new Uint8Array(4), 2, 2))).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(Array.from(distanceTransform(Uint8Array.from([1, 0, 0, 0, 0, 0]), 2, 3))).toEqual([
      0, 1, 2, 1, Math.SQRT2, Math.sqrt(5),
    ]);
  });
});
