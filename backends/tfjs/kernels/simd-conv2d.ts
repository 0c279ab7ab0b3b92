import type * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { SimdModule, simdKernelsEnabled } from './simd/module.ts';
import type { WasmCalls } from './wasm-calls.ts';

interface Conv2dExports {
  [name: string]: unknown;
  conv2d(
    x: number, w: number, packed: number, y: number, n: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, bias: number, relu: number, flip: number,
  ): void;
}

const simd = new SimdModule<Conv2dExports>('conv2d.wasm');

export interface SimdConv2dOptions {
  /** co values added to every output pixel. */
  bias?: tf.TensorInfo | null;
  relu?: boolean;
  /**
   * `filter` is the filter [kh, kw, co, ci] of the forward conv whose input gradient this
   * conv computes; the kernel runs with it flipped in space and its channel axes swapped.
   */
  flipFilter?: boolean;
}

/** Output channels of the conv simdConv2d would run with `filter`. */
function outChannels(filter: tf.TensorInfo, flipFilter: boolean): number {
  return filter.shape[flipFilter ? 2 : 3];
}

/**
 * Whether simdConv2d should run this conv: a 2D filter whose output channels come in
 * groups of four, on a single-threaded wasm engine. Our kernel runs on one thread; XNNPACK
 * runs on all of the engine's threads (wasm-threads.ts), which beats it from two threads on.
 */
export function simdConv2dSupports(filter: tf.TensorInfo, flipFilter = false): boolean {
  return filter.shape.length === 4 && outChannels(filter, flipFilter) % 4 === 0 && getThreadsCount() === 1 && simdKernelsEnabled();
}

/**
 * A channels-last 2D convolution with our SIMD kernel (simd/conv2d.as.ts), 1.1x (large maps)
 * to 2x (8x8 maps of 256 channels) XNNPACK's speed on the U-Net layers of bench/train-step.ts.
 * pads are non-negative [[top, bottom], [left, right]]; x is copied into the kernel's memory
 * inside zero borders of those widths, so the kernel itself never tests for padding.
 */
export function simdConv2d(
  calls: WasmCalls,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: [number, number][],
  strides: number[],
  dilations: number[],
  { bias = null, relu = false, flipFilter = false }: SimdConv2dOptions = {},
): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const [kh, kw] = filter.shape;
  const co = outChannels(filter, flipFilter);
  const [[pt, pb], [pl, pr]] = pads;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const oh = Math.floor((hp - (kh - 1) * dh - 1) / sh) + 1;
  const ow = Math.floor((wp - (kw - 1) * dw - 1) / sw) + 1;
  const filterSize = kh * kw * ci * co;
  const { offsets, views } = simd.arrays([n * hp * wp * ci, filterSize, filterSize, n * oh * ow * co, co]);
  const [xAt, wAt, packedAt, yAt, biasAt] = offsets;
  const [padded, weights, , output, biasView] = views;
  copyPadded(calls.view(x), padded, x.shape, pads);
  weights.set(calls.view(filter));
  if (bias) biasView.set(calls.view(bias));
  simd.exports.conv2d(
    xAt, wAt, packedAt, yAt, n, hp, wp, ci, oh, ow, co, kh, kw, sh, sw, dh, dw,
    bias ? biasAt : 0, relu ? 1 : 0, flipFilter ? 1 : 0,
  );
  return calls.compute(x, [n, oh, ow, co], (_, out) => out.set(output));
}

/** x [n, h, w, c] into `to` [n, h + pt + pb, w + pl + pr, c] with zero borders (only the borders are written besides x). */
function copyPadded(from: Float32Array, to: Float32Array, [n, h, w, c]: number[], [[pt, pb], [pl, pr]]: [number, number][]): void {
  if (pt + pb + pl + pr === 0) {
    to.set(from);
    return;
  }
  const row = w * c;
  const paddedRow = (w + pl + pr) * c;
  let at = 0;
  for (let b = 0; b < n; b++) {
    to.fill(0, at, at + pt * paddedRow);
    at += pt * paddedRow;
    for (let i = 0; i < h; i++) {
      const source = (b * h + i) * row;
      to.fill(0, at, at + pl * c);
      to.set(from.subarray(source, source + row), at + pl * c);
      to.fill(0, at + pl * c + row, at + paddedRow);
      at += paddedRow;
    }
    to.fill(0, at, at + pb * paddedRow);
    at += pb * paddedRow;
  }
}
