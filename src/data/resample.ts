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

/** Resamples an image bicubically (mirrored borders); values may overshoot slightly at edges. */
export function resampleImage(image: Image2D, map: CoordinateMap): Image2D {
  const { height: h, width: w, channels: c } = image;
  const out = new Float32Array(map.height * map.width * c);
  const wy = new Float64Array(4);
  const wx = new Float64Array(4);
  const rows = new Int32Array(4);
  const cols = new Int32Array(4);
  for (let i = 0; i < map.height * map.width; i++) {
    const y = map.mapY[i];
    const x = map.mapX[i];
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    cubicWeights(y - y0, wy);
    cubicWeights(x - x0, wx);
    for (let k = 0; k < 4; k++) {
      rows[k] = mirrorIndex(y0 - 1 + k, h) * w;
      cols[k] = mirrorIndex(x0 - 1 + k, w);
    }
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let a = 0; a < 4; a++) {
        if (wy[a] === 0) continue;
        let row = 0;
        for (let b = 0; b < 4; b++) row += wx[b] * image.data[(rows[a] + cols[b]) * c + ch];
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
