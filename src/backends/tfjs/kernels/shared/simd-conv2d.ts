import type * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { SimdModule, simdKernelsEnabled, winogradTilesFit } from '../simd/module.ts';
import { winogradEnabled } from './simd-switch.ts';
import type { WasmCalls } from './wasm-calls.ts';

interface Conv2dExports {
  [name: string]: unknown;
  conv2d(
    x: number, w: number, packed: number, y: number, n: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, bias: number, relu: number, flip: number,
  ): void;
  winograd3x3(
    x: number, w: number, u: number, packed: number, v: number, m: number, scratch: number, y: number,
    n: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number, bias: number, relu: number, flip: number,
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
  const oh = Math.floor((h + pt + pb - (kh - 1) * dh - 1) / sh) + 1;
  const ow = Math.floor((w + pl + pr - (kw - 1) * dw - 1) / sw) + 1;
  const winograd = useWinograd(kh, kw, strides, dilations, ci, co) && winogradTilesFit(n, oh, ow, ci, co);
  const tiles = n * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  // Winograd's 4x4 tiles (stride 2) read up to row 2*ceil(oh/2) + 1: zero rows past the padding.
  const [extraH, extraW] = winograd ? [2 * Math.ceil(oh / 2) + 2 - (h + pt + pb), 2 * Math.ceil(ow / 2) + 2 - (w + pl + pr)].map((e) => Math.max(e, 0)) : [0, 0];
  const hp = h + pt + pb + extraH;
  const wp = w + pl + pr + extraW;
  const filterSize = kh * kw * ci * co;
  const scratch = winograd ? [16 * ci * co, 16 * tiles * ci, 16 * tiles * co, 48] : [0, 0, 0, 0];
  const { offsets, views } = simd.arrays([n * hp * wp * ci, filterSize, winograd ? ci * co : filterSize, n * oh * ow * co, co, ...scratch]);
  const [xAt, wAt, packedAt, yAt, biasAt, uAt, vAt, mAt, scratchAt] = offsets;
  const [padded, weights, , output, biasView] = views;
  copyPadded(calls.view(x), padded, x.shape, [[pt, pb + extraH], [pl, pr + extraW]]);
  weights.set(calls.view(filter));
  if (bias) biasView.set(calls.view(bias));
  const [biasArg, reluArg, flipArg] = [bias ? biasAt : 0, relu ? 1 : 0, flipFilter ? 1 : 0];
  if (winograd) {
    simd.exports.winograd3x3(xAt, wAt, uAt, packedAt, vAt, mAt, scratchAt, yAt, n, hp, wp, ci, oh, ow, co, biasArg, reluArg, flipArg);
  } else {
    simd.exports.conv2d(xAt, wAt, packedAt, yAt, n, hp, wp, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, biasArg, reluArg, flipArg);
  }
  return calls.compute(x, [n, oh, ow, co], (_, out) => out.set(output));
}

/**
 * Whether a conv runs by Winograd F(2x2, 3x3) (simd/conv2d.as.ts): 3x3, stride 1, no
 * dilation, channels in fours; and at least 16 in and 32 out, where its 16 GEMMs with
 * 16/36 of the multiplies outweigh its three extra passes over memory (measured on the
 * layers of bench/train-step.ts: 1.2-1.8x faster from 32 output channels on, 1.2x slower
 * at 16); and tile buffers within WINOGRAD_TILE_BYTES. UNET_WINOGRAD=0 runs every conv
 * directly, for comparison.
 */
function useWinograd(kh: number, kw: number, strides: number[], dilations: number[], ci: number, co: number): boolean {
  const shape = kh === 3 && kw === 3 && strides.every((s) => s === 1) && dilations.every((d) => d === 1);
  return shape && ci % 4 === 0 && co % 4 === 0 && ci >= 16 && co >= 32 && winogradEnabled();
}

/** x [n, h, w, c] into `to` [n, h + pt + pb, w + pl + pr, c] with zero borders (only the borders are written besides x). */
export function copyPadded(from: Float32Array, to: Float32Array, [n, h, w, c]: number[], [[pt, pb], [pl, pr]]: [number, number][]): void {
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
