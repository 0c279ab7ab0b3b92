// Overlap-tile inference (U-Net paper, sec. 2 and Fig. 2), independent of any backend and of
// the number of spatial axes (images [H, W], volumes [D, H, W]): the caller's runTile runs the
// network on a batch of channel-last tiles.
//  - valid padding: the network's output window is smaller than its input window by a margin
//    on each side; the image is mirrored beyond its border and output windows tile the image
//    so every output pixel is written exactly once (the last window is shifted back inside).
//  - same padding: tiles overlap and are blended with normalised Gaussian or linear weights,
//    which hides the weaker predictions near tile borders.
import type { Image2D, Volume } from './types.ts';
import { spatialSize } from './volume.ts';
import { mirroredWindow, strides } from './window.ts';

/** Runs the network on n tiles (n x window x C, channel-last) and returns n x output window x K probabilities. */
export type RunTile = (tiles: Float32Array, n: number) => Promise<Float32Array>;

/** A window size: one number for square (cubic) windows, or one size per spatial axis. */
export type WindowSize = number | readonly number[];

/** How to tile. */
export interface TileOptions {
  padding: 'valid' | 'same';
  /** The network's input window (a legal size for the network). */
  inputSize: WindowSize;
  /** The network's output window (valid: e.g. 388 for 572; same: defaults to inputSize). */
  outputSize?: WindowSize;
  /** Number of output channels K. */
  numClasses: number;
  /** Tiles per runTile call (default 4). */
  batchSize?: number;
  /** Same padding: overlap between neighbouring tiles in pixels (default a quarter tile). */
  overlap?: number;
  /** Same padding: blending weights (default 'gaussian'). */
  blend?: 'gaussian' | 'linear';
}

/** One tile along one axis: where its window starts, and which of its outputs to keep. */
export interface AxisTile {
  start: number;
  /** First and one-past-last image index this tile writes (valid) or covers (same). */
  from: number;
  to: number;
}

/** A channel-last array with any number of spatial axes, row-major (last axis fastest). */
interface Grid {
  size: number[];
  channels: number;
  data: Float32Array;
}

/** One size per axis from a WindowSize. */
function perAxis(s: WindowSize, axes: number): number[] {
  if (typeof s === 'number') return new Array(axes).fill(s);
  if (s.length !== axes) throw new RangeError(`window ${s.join('x')} has ${s.length} axes, the data ${axes}`);
  return [...s];
}

const product = (sizes: readonly number[]) => sizes.reduce((a, b) => a * b, 1);

/**
 * Non-overlapping output windows covering [0, size) exactly once: windows start at multiples
 * of `window`, the last one shifted back to end at `size` (writing only its new part).
 */
export function planValidAxis(size: number, window: number): AxisTile[] {
  const tiles: AxisTile[] = [];
  for (let from = 0; from < size; from += window) {
    const to = Math.min(from + window, size);
    tiles.push({ start: Math.max(0, Math.min(from, size - window)), from, to });
  }
  return tiles;
}

/** Overlapping windows of `window` pixels with the given overlap, the last ending at `size`. */
export function planSameAxis(size: number, window: number, overlap: number): AxisTile[] {
  if (size <= window) return [{ start: 0, from: 0, to: size }];
  const stride = Math.max(1, window - overlap);
  const tiles: AxisTile[] = [];
  for (let start = 0; ; start += stride) {
    const s = Math.min(start, size - window);
    tiles.push({ start: s, from: s, to: s + window });
    if (s + window >= size) return tiles;
  }
}

/** 1D blending weights over a window; strictly positive so every pixel has weight. */
function blendWeights(window: number, kind: 'gaussian' | 'linear'): Float64Array {
  const c = (window - 1) / 2;
  const sigma = window / 8; // as nnU-Net: most weight on the central part of a tile
  return Float64Array.from({ length: window }, (_, i) =>
    kind === 'gaussian' ? Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)) + 1e-3 : Math.min(i + 1, window - i),
  );
}

/** Every combination of one tile per axis, the last axis varying fastest (row-major order). */
function cartesian(plans: AxisTile[][]): AxisTile[][] {
  return plans.reduce<AxisTile[][]>((jobs, plan) => jobs.flatMap((job) => plan.map((t) => [...job, t])), [[]]);
}

/**
 * Visits every position of the box [from, to) per axis: `at` gets the offset of the position
 * in the grid of size `size` and in the window at `start` of size `window` (both in positions,
 * not values), and the product of `weights[axis][position - start]` (1 without weights).
 */
function forEachInBox(
  tiles: readonly AxisTile[],
  to: readonly number[],
  size: readonly number[],
  window: readonly number[],
  weights: readonly Float64Array[] | null,
  at: (grid: number, tile: number, weight: number) => void,
): void {
  const gs = strides(size, 1);
  const ws = strides(window, 1);
  const walk = (axis: number, g: number, t: number, w: number): void => {
    const { start, from } = tiles[axis];
    for (let i = from; i < to[axis]; i++) {
      const wi = weights ? w * weights[axis][i - start] : w;
      const [gi, ti] = [g + i * gs[axis], t + (i - start) * ws[axis]];
      if (axis < tiles.length - 1) walk(axis + 1, gi, ti, wi);
      else at(gi, ti, wi);
    }
  };
  walk(0, 0, 0, 1);
}

/** Runs the jobs through runTile in batches, handing each tile's output to `place`. */
async function runBatches(
  grid: Grid,
  jobs: AxisTile[][],
  inSize: number[],
  outLen: number,
  margin: number[],
  batchSize: number,
  runTile: RunTile,
  place: (job: AxisTile[], out: Float32Array, offset: number) => void,
): Promise<void> {
  const tileLen = product(inSize) * grid.channels;
  for (let b = 0; b < jobs.length; b += batchSize) {
    const batch = jobs.slice(b, b + batchSize);
    const input = new Float32Array(batch.length * tileLen);
    batch.forEach((job, n) => {
      input.set(mirroredWindow(grid.data, grid.size, grid.channels, job.map((t, a) => t.start - margin[a]), inSize), n * tileLen);
    });
    const out = await runTile(input, batch.length);
    if (out.length !== batch.length * outLen) {
      throw new Error(`runTile returned ${out.length} values for ${batch.length} tiles, expected ${batch.length * outLen}`);
    }
    batch.forEach((job, n) => place(job, out, n * outLen));
  }
}

/** Valid padding: output windows written once each, their input windows mirrored at the border. */
async function predictValid(grid: Grid, inSize: number[], outSize: number[], K: number, batchSize: number, runTile: RunTile): Promise<Float32Array> {
  const margin = inSize.map((s, a) => (s - outSize[a]) / 2);
  if (margin.some((m) => !Number.isInteger(m) || m < 0)) {
    throw new RangeError(`input window ${inSize.join('x')} and output window ${outSize.join('x')} need even, non-negative differences`);
  }
  const result = new Float32Array(product(grid.size) * K);
  const jobs = cartesian(grid.size.map((s, a) => planValidAxis(s, outSize[a])));
  const last = grid.size.length - 1;
  await runBatches(grid, jobs, inSize, product(outSize) * K, margin, batchSize, runTile, (job, out, offset) => {
    // Rows along the last axis are contiguous in both: copy them whole.
    const rowLen = (job[last].to - job[last].from) * K;
    const rows = job.map((t, a) => (a === last ? { ...t, to: t.from + 1 } : t));
    forEachInBox(rows, rows.map((t) => t.to), grid.size, outSize, null, (g, t) => {
      result.set(out.subarray(offset + t * K, offset + t * K + rowLen), g * K);
    });
  });
  return result;
}

/** Same padding: overlapping tiles blended by separable weights, normalised per pixel. */
async function predictSame(grid: Grid, inSize: number[], opts: TileOptions, batchSize: number, runTile: RunTile): Promise<Float32Array> {
  const K = opts.numClasses;
  const n = product(grid.size);
  const weights = inSize.map((s) => blendWeights(s, opts.blend ?? 'gaussian'));
  const weightSum = new Float64Array(n);
  const acc = new Float64Array(n * K);
  const jobs = cartesian(grid.size.map((s, a) => planSameAxis(s, inSize[a], opts.overlap ?? Math.floor(inSize[a] / 4))));
  await runBatches(grid, jobs, inSize, product(inSize) * K, inSize.map(() => 0), batchSize, runTile, (job, out, offset) => {
    // Tiles of an image smaller than the window read mirrored pixels; only in-image ones count.
    const to = job.map((t, a) => Math.min(t.to, grid.size[a]));
    forEachInBox(job, to, grid.size, inSize, weights, (g, t, w) => {
      weightSum[g] += w;
      for (let k = 0; k < K; k++) acc[g * K + k] += w * out[offset + t * K + k];
    });
  });
  const result = new Float32Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) result[i * K + k] = acc[i * K + k] / weightSum[i];
  return result;
}

/**
 * Predicts a whole image (or volume) tile by tile; returns its pixels (voxels) x K
 * probabilities, channel-last. Window sizes have one entry per spatial axis.
 */
export async function predictTiled(image: Image2D | Volume, opts: TileOptions, runTile: RunTile): Promise<Float32Array> {
  const grid: Grid = { size: spatialSize(image), channels: image.channels, data: image.data };
  const axes = grid.size.length;
  const inSize = perAxis(opts.inputSize, axes);
  const outSize = perAxis(opts.outputSize ?? opts.inputSize, axes);
  const batchSize = opts.batchSize ?? 4;
  if (opts.padding === 'valid') return predictValid(grid, inSize, outSize, opts.numClasses, batchSize, runTile);
  if (outSize.some((s, a) => s !== inSize[a])) throw new RangeError('same padding needs equal input and output windows');
  return predictSame(grid, inSize, opts, batchSize, runTile);
}
