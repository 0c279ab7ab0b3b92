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
 * sit evenly from the first to the last pixel of a height x width image, at the pixels
 * (rows[i], cols[j]) (the whole image, or a training window of it). The kernel is separable:
 * every control row is first interpolated at the columns, then each pixel mixes 4 of those
 * (4 products a pixel instead of 16).
 */
function interpolateGrid(values: Float64Array, grid: number, height: number, width: number, rows: ArrayLike<number>, cols: ArrayLike<number>): Float32Array {
  const w = new Float64Array(4);
  // alongRows[g * cols.length + j]: control row g interpolated at column cols[j].
  const alongRows = new Float64Array(grid * cols.length);
  for (let j = 0; j < cols.length; j++) {
    const gx = width > 1 ? (cols[j] * (grid - 1)) / (width - 1) : 0;
    const x0 = Math.min(Math.floor(gx), grid - 2);
    cubicWeights(gx - x0, w);
    for (let g = 0; g < grid; g++) {
      let sum = 0;
      for (let b = 0; b < 4; b++) sum += w[b] * values[g * grid + clamp(x0 - 1 + b, grid)];
      alongRows[g * cols.length + j] = sum;
    }
  }
  const out = new Float32Array(rows.length * cols.length);
  const at = new Int32Array(4);
  for (let i = 0; i < rows.length; i++) {
    const gy = height > 1 ? (rows[i] * (grid - 1)) / (height - 1) : 0;
    const y0 = Math.min(Math.floor(gy), grid - 2);
    cubicWeights(gy - y0, w);
    for (let a = 0; a < 4; a++) at[a] = clamp(y0 - 1 + a, grid) * cols.length;
    const line = i * cols.length;
    for (let j = 0; j < cols.length; j++) {
      out[line + j] = w[0] * alongRows[at[0] + j] + w[1] * alongRows[at[1] + j] + w[2] * alongRows[at[2] + j] + w[3] * alongRows[at[3] + j];
    }
  }
  return out;
}

/**
 * A random elastic deformation before it is evaluated: the Gaussian control vectors on a
 * grid x grid mesh spanning a height x width image. Training evaluates it only on the
 * window it crops (displacementAt), the full field being four times larger for a 252 px
 * window of a 512 px slice.
 */
export interface ElasticField {
  height: number;
  width: number;
  grid: number;
  gy: Float64Array;
  gx: Float64Array;
}

/** Draws the control vectors: Gaussian(0, sigma), dy for every point, then dx. */
export function drawElasticField(height: number, width: number, grid: number, sigma: number, rng: Random): ElasticField {
  if (grid < 2) throw new RangeError(`elastic grid must be at least 2x2, got ${grid}`);
  const gy = Float64Array.from({ length: grid * grid }, () => rng.normal(0, sigma));
  const gx = Float64Array.from({ length: grid * grid }, () => rng.normal(0, sigma));
  return { height, width, grid, gy, gx };
}

/** The field's per-pixel displacement at the pixels (rows[i], cols[j]), row-major. */
export function displacementAt(field: ElasticField, rows: ArrayLike<number>, cols: ArrayLike<number>): Displacement {
  const { grid, height, width } = field;
  return {
    height: rows.length,
    width: cols.length,
    dy: interpolateGrid(field.gy, grid, height, width, rows, cols),
    dx: interpolateGrid(field.gx, grid, height, width, rows, cols),
  };
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Draws a smooth random displacement field: Gaussian(0, sigma) vectors on a grid x grid mesh. */
export function elasticDisplacement(height: number, width: number, grid: number, sigma: number, rng: Random): Displacement {
  return displacementAt(drawElasticField(height, width, grid, sigma, rng), range(height), range(width));
}
