// Overlap-tile inference (U-Net paper, sec. 2 and Fig. 2), independent of any backend:
// the caller's runTile runs the network on a batch of NHWC tiles.
//  - valid padding: the network's output window is smaller than its input window by a margin
//    on each side; the image is mirrored beyond its border and output windows tile the image
//    so every output pixel is written exactly once (the last window is shifted back inside).
//  - same padding: tiles overlap and are blended with normalised Gaussian or linear weights,
//    which hides the weaker predictions near tile borders.
import { cropImage } from './crop.ts';
import type { Image2D } from './types.ts';

/** Runs the network on n tiles (n x inH x inW x C) and returns n x outH x outW x K probabilities. */
export type RunTile = (tiles: Float32Array, n: number) => Promise<Float32Array>;

/** A window size: one number for square windows, or [height, width]. */
export type WindowSize = number | readonly [number, number];

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

const pair = (s: WindowSize): [number, number] => (typeof s === 'number' ? [s, s] : [s[0], s[1]]);

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

/** A tile to run: the input window's origin and where its output goes. */
interface TileJob {
  y: AxisTile;
  x: AxisTile;
}

/** Runs the jobs through runTile in batches, handing each tile's output to `place`. */
async function runBatches(
  image: Image2D,
  jobs: TileJob[],
  inH: number,
  inW: number,
  outSize: number,
  margin: [number, number],
  batchSize: number,
  runTile: RunTile,
  place: (job: TileJob, out: Float32Array, offset: number) => void,
): Promise<void> {
  const tileLen = inH * inW * image.channels;
  for (let b = 0; b < jobs.length; b += batchSize) {
    const batch = jobs.slice(b, b + batchSize);
    const input = new Float32Array(batch.length * tileLen);
    batch.forEach((job, n) => {
      input.set(cropImage(image, job.y.start - margin[0], job.x.start - margin[1], inH, inW).data, n * tileLen);
    });
    const out = await runTile(input, batch.length);
    if (out.length !== batch.length * outSize) {
      throw new Error(`runTile returned ${out.length} values for ${batch.length} tiles, expected ${batch.length * outSize}`);
    }
    batch.forEach((job, n) => place(job, out, n * outSize));
  }
}

/** Predicts a whole image tile by tile; returns height x width x K probabilities. */
export async function predictTiled(image: Image2D, opts: TileOptions, runTile: RunTile): Promise<Float32Array> {
  const [inH, inW] = pair(opts.inputSize);
  const [outH, outW] = pair(opts.outputSize ?? opts.inputSize);
  const K = opts.numClasses;
  const { height: H, width: W } = image;
  const batchSize = opts.batchSize ?? 4;
  const result = new Float32Array(H * W * K);
  const outSize = outH * outW * K;

  if (opts.padding === 'valid') {
    const margin: [number, number] = [(inH - outH) / 2, (inW - outW) / 2];
    if (!Number.isInteger(margin[0]) || !Number.isInteger(margin[1]) || margin[0] < 0 || margin[1] < 0) {
      throw new RangeError(`input window ${inH}x${inW} and output window ${outH}x${outW} need even, non-negative differences`);
    }
    const jobs = planValidAxis(H, outH).flatMap((y) => planValidAxis(W, outW).map((x) => ({ y, x })));
    await runBatches(image, jobs, inH, inW, outSize, margin, batchSize, runTile, ({ y, x }, out, offset) => {
      for (let iy = y.from; iy < y.to; iy++) {
        const src = offset + ((iy - y.start) * outW + (x.from - x.start)) * K;
        result.set(out.subarray(src, src + (x.to - x.from) * K), (iy * W + x.from) * K);
      }
    });
    return result;
  }

  if (inH !== outH || inW !== outW) throw new RangeError('same padding needs equal input and output windows');
  const wy = blendWeights(inH, opts.blend ?? 'gaussian');
  const wx = blendWeights(inW, opts.blend ?? 'gaussian');
  const weightSum = new Float64Array(H * W);
  const overlapY = opts.overlap ?? Math.floor(inH / 4);
  const overlapX = opts.overlap ?? Math.floor(inW / 4);
  const jobs = planSameAxis(H, inH, overlapY).flatMap((y) => planSameAxis(W, inW, overlapX).map((x) => ({ y, x })));
  const acc = new Float64Array(H * W * K);
  await runBatches(image, jobs, inH, inW, outSize, [0, 0], batchSize, runTile, ({ y, x }, out, offset) => {
    // Tiles of an image smaller than the window read mirrored pixels; only in-image ones count.
    for (let iy = y.from; iy < Math.min(y.to, H); iy++) {
      for (let ix = x.from; ix < Math.min(x.to, W); ix++) {
        const w = wy[iy - y.start] * wx[ix - x.start];
        const src = offset + ((iy - y.start) * inW + (ix - x.start)) * K;
        weightSum[iy * W + ix] += w;
        for (let k = 0; k < K; k++) acc[(iy * W + ix) * K + k] += w * out[src + k];
      }
    }
  });
  for (let i = 0; i < H * W; i++) for (let k = 0; k < K; k++) result[i * K + k] = acc[i * K + k] / weightSum[i];
  return result;
}
