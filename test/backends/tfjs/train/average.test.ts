// Averaging replicas' gradients (src/backends/tfjs/train/parallel/average.ts): the SIMD path for
// two replicas gives the plain float64 loop's values bit for bit, so data-parallel runs do
// not depend on which path ran (UNET_WASM_SIMD).
import { describe, expect, it } from 'vitest';
import { averageGradients, splitFlat } from '../../../../src/backends/tfjs/train/parallel/average.ts';
import { seededValues } from '../../../helpers/numeric.ts';

const values = (size: number, seed: number) => seededValues(size, seed, 1e3);

/** The definition: per element, sum_k share_k * part_k in float64, one rounding. */
function reference(parts: Float32Array[][], shares: number[]): Float32Array[] {
  return parts[0].map((_, v) => Float32Array.from(parts[0][v], (_, j) => parts.reduce((s, p, k) => s + shares[k] * p[v][j], 0)));
}

describe('averageGradients', () => {
  const lengths = [9, 16, 1, 4099];
  const replica = (seed: number) => lengths.map((n, v) => values(n, seed * 10 + v));

  it.each([
    ['two replicas, equal shards (SIMD)', [replica(1), replica(2)], [0.5, 0.5]],
    ['two replicas, shards of 3 and 2 (SIMD)', [replica(1), replica(2)], [3 / 5, 2 / 5]],
    ['three replicas (plain loop)', [replica(1), replica(2), replica(3)], [3 / 7, 2 / 7, 2 / 7]],
  ] as const)('%s: the float64 definition, bit for bit', (_, parts, shares) => {
    const { flat, views } = averageGradients(parts.map((p) => [...p]), [...shares]);
    expect(flat.length).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(views.map((v) => v.length)).toEqual(lengths);
    views.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(reference(parts.map((p) => [...p]), [...shares])[i])));
  });

  it('splitFlat cuts one array into consecutive views', () => {
    const flat = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(splitFlat(flat, [2, 0, 4]).map((v) => Array.from(v))).toEqual([[1, 2], [], [3, 4, 5, 6]]);
  });
});
