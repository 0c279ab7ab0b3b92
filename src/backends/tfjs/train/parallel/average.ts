// The average of the replicas' gradients, weighted by shard size, in shard order: every
// weight's value is sum_k share_k * grad_k in float64, rounded once to float32 (so a run is
// deterministic and does not depend on how the arithmetic is vectorised). All weights land in
// one flat array, trainable-weight order, which is what replicas are sent.
import { SimdModule, simdKernelsEnabled } from '../../kernels/simd/module.ts';

interface WeightedSumExports {
  [name: string]: unknown;
  weightedSum(a: number, b: number, out: number, n: number, sa: number, sb: number): void;
}

const simd = new SimdModule<WeightedSumExports>('weighted-sum.wasm');

/** One flat array of the averaged gradients, and a view of it per weight. */
export interface Averaged {
  flat: Float32Array;
  views: Float32Array[];
}

/** Views of `flat` with the given lengths, one after another. */
export function splitFlat(flat: Float32Array, lengths: number[]): Float32Array[] {
  let at = 0;
  return lengths.map((n) => flat.subarray(at, (at += n)));
}

/**
 * parts[k][v]: replica k's gradient of weight v. Two replicas (the two-core case, on every
 * step's critical path) go through simd/weighted-sum.as.ts, the same arithmetic two lanes
 * at a time; more replicas through the plain loop.
 */
export function averageGradients(parts: Float32Array[][], shares: number[]): Averaged {
  const lengths = parts[0].map((g) => g.length);
  const total = lengths.reduce((a, b) => a + b, 0);
  const flat = new Float32Array(total);
  if (parts.length === 2 && simdKernelsEnabled()) {
    const { offsets: [a, b, out], views: [va, vb, vout] } = simd.arrays([total, total, total]);
    let at = 0;
    parts[0].forEach((g, v) => {
      va.set(g, at);
      vb.set(parts[1][v], at);
      at += g.length;
    });
    simd.exports.weightedSum(a, b, out, total, shares[0], shares[1]);
    flat.set(vout);
  } else {
    let at = 0;
    for (const [v, n] of lengths.entries()) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < parts.length; k++) sum += shares[k] * parts[k][v][j];
        flat[at + j] = sum;
      }
      at += n;
    }
  }
  return { flat, views: splitFlat(flat, lengths) };
}
