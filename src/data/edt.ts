// Exact Euclidean distance transform in linear time (Felzenszwalb & Huttenlocher, "Distance
// Transforms of Sampled Functions", Theory of Computing 2012): the 1D transform is the lower
// envelope of parabolas rooted at each sample; applied to columns then rows it is exact in 2D.

/** 1D squared distance transform of f (Infinity = no feature) into d; n samples. */
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue; // no parabola rooted here
    let s = -Infinity;
    while (k >= 0) {
      const p = v[k];
      s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
      if (s > z[k]) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (j < k && z[j + 1] < q) j++;
    const dq = q - v[j];
    d[q] = dq * dq + f[v[j]];
  }
}

/**
 * Squared Euclidean distance from every pixel to the nearest pixel where `feature` is nonzero
 * (0 on feature pixels, Infinity everywhere when there is none). Row-major, height x width.
 */
export function squaredDistanceTransform(feature: ArrayLike<number>, height: number, width: number): Float64Array {
  const out = new Float64Array(height * width);
  const n = Math.max(height, width);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = feature[y * width + x] ? 0 : Infinity;
    transform1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = out[y * width + x];
    transform1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[y * width + x] = d[x];
  }
  return out;
}

/** Euclidean distance to the nearest feature pixel (square root of the squared transform). */
export function distanceTransform(feature: ArrayLike<number>, height: number, width: number): Float64Array {
  return squaredDistanceTransform(feature, height, width).map(Math.sqrt);
}
