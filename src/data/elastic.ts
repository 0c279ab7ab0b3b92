// Elastic deformation as in the U-Net paper, sec. 3.1: "random displacement vectors on a
// coarse 3 by 3 grid. The displacements are sampled from a Gaussian distribution with 10
// pixels standard deviation. Per-pixel displacements are then computed using bicubic
// interpolation."
import { cubicWeights } from './resample.ts';
import type { Random } from './random.ts';

/** A per-pixel displacement field (row-major): output pixel p samples the input at p + d(p). */
export interface Displacement {
  height: number;
  width: number;
  dy: Float32Array;
  dx: Float32Array;
}

/** Clamps a control-point index to the grid (the field is only defined between the points). */
const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));

/**
 * Bicubic (Catmull-Rom) interpolation of a grid x grid array of control values, whose points
 * sit evenly from the first to the last pixel, to every pixel of a height x width image.
 */
function interpolateGrid(values: Float64Array, grid: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  const wy = new Float64Array(4);
  const wx = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const gy = height > 1 ? (y * (grid - 1)) / (height - 1) : 0;
    const y0 = Math.min(Math.floor(gy), grid - 2);
    cubicWeights(gy - y0, wy);
    for (let x = 0; x < width; x++) {
      const gx = width > 1 ? (x * (grid - 1)) / (width - 1) : 0;
      const x0 = Math.min(Math.floor(gx), grid - 2);
      cubicWeights(gx - x0, wx);
      let sum = 0;
      for (let a = 0; a < 4; a++) {
        const row = clamp(y0 - 1 + a, grid) * grid;
        for (let b = 0; b < 4; b++) sum += wy[a] * wx[b] * values[row + clamp(x0 - 1 + b, grid)];
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

/** Draws a smooth random displacement field: Gaussian(0, sigma) vectors on a grid x grid mesh. */
export function elasticDisplacement(height: number, width: number, grid: number, sigma: number, rng: Random): Displacement {
  if (grid < 2) throw new RangeError(`elastic grid must be at least 2x2, got ${grid}`);
  const gy = Float64Array.from({ length: grid * grid }, () => rng.normal(0, sigma));
  const gx = Float64Array.from({ length: grid * grid }, () => rng.normal(0, sigma));
  return { height, width, dy: interpolateGrid(gy, grid, height, width), dx: interpolateGrid(gx, grid, height, width) };
}
