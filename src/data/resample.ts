// Resampling through a coordinate map: output pixel i takes the input value at (mapY[i],
// mapX[i]). Images use bicubic interpolation, masks nearest neighbour (so labels stay labels);
// coordinates outside the image are mirrored, as the U-Net paper extrapolates by mirroring
// (Fig. 2) instead of padding with zeros.
import type { Image2D, Mask2D } from './types.ts';

/** Where output pixels sample the input: output size and one source coordinate per pixel. */
export interface CoordinateMap {
  height: number;
  width: number;
  mapY: Float32Array;
  mapX: Float32Array;
}

/** Mirrors an integer index into [0, n): ... 2 1 | 0 1 2 ... n-1 | n-2 ... (no edge repeat). */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

/** Keys cubic convolution kernel with a = -0.5 (Catmull-Rom): interpolating, exact at integers. */
export function cubicWeights(t: number, out: Float64Array): void {
  // Weights of the samples at offsets -1, 0, 1, 2 for a fractional position t in [0, 1).
  const t2 = t * t;
  const t3 = t2 * t;
  out[0] = -0.5 * t3 + t2 - 0.5 * t;
  out[1] = 1.5 * t3 - 2.5 * t2 + 1;
  out[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  out[3] = 0.5 * t3 - 0.5 * t2;
}

/** Fills `out` with the 4 source indices around `i0` (offsets -1..2), mirrored only near the borders. */
function taps(i0: number, n: number, out: Int32Array): void {
  if (i0 >= 1 && i0 + 2 < n) {
    out[0] = i0 - 1;
    out[1] = i0;
    out[2] = i0 + 1;
    out[3] = i0 + 2;
  } else for (let k = 0; k < 4; k++) out[k] = mirrorIndex(i0 - 1 + k, n);
}

/**
 * Resamples an image bicubically (mirrored borders); values may overshoot slightly at edges.
 * A pixel whose source coordinate is a whole pixel (flips, quarter turns, shifts by whole
 * pixels) is copied: the cubic weights there are 0, 1, 0, 0, so the sum would be the same value.
 */
export function resampleImage(image: Image2D, map: CoordinateMap): Image2D {
  const { height: h, width: w, channels: c, data } = image;
  const { mapY, mapX } = map;
  const out = new Float32Array(map.height * map.width * c);
  const wy = new Float64Array(4);
  const wx = new Float64Array(4);
  const rows = new Int32Array(4);
  const cols = new Int32Array(4);
  for (let i = 0; i < map.height * map.width; i++) {
    const y = mapY[i];
    const x = mapX[i];
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    if (y === y0 && x === x0 && y0 >= 0 && y0 < h && x0 >= 0 && x0 < w) {
      const from = (y0 * w + x0) * c;
      for (let ch = 0; ch < c; ch++) out[i * c + ch] = data[from + ch];
      continue;
    }
    cubicWeights(y - y0, wy);
    cubicWeights(x - x0, wx);
    taps(y0, h, rows);
    taps(x0, w, cols);
    for (let k = 0; k < 4; k++) rows[k] *= w;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let a = 0; a < 4; a++) {
        if (wy[a] === 0) continue;
        const r = rows[a];
        const row = wx[0] * data[(r + cols[0]) * c + ch] + wx[1] * data[(r + cols[1]) * c + ch] + wx[2] * data[(r + cols[2]) * c + ch] + wx[3] * data[(r + cols[3]) * c + ch];
        sum += wy[a] * row;
      }
      out[i * c + ch] = sum;
    }
  }
  return { height: map.height, width: map.width, channels: c, data: out };
}

/** Resamples a mask by nearest neighbour (mirrored borders): only existing labels appear. */
export function resampleMask(mask: Mask2D, map: CoordinateMap): Mask2D {
  const out = new Uint8Array(map.height * map.width);
  for (let i = 0; i < out.length; i++) {
    const y = mirrorIndex(Math.round(map.mapY[i]), mask.height);
    const x = mirrorIndex(Math.round(map.mapX[i]), mask.width);
    out[i] = mask.data[y * mask.width + x];
  }
  return { height: map.height, width: map.width, data: out };
}
