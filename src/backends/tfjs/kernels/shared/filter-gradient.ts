import * as tf from '@tensorflow/tfjs';
import { type ConvAxis, padAfter } from './conv-axes.ts';
import { convNd } from './conv-nd.ts';
import { copyPadded } from './simd-conv2d.ts';
import { SimdModule, simdKernelsEnabled, winogradTilesFit } from '../simd/module.ts';
import { winogradEnabled } from './simd-switch.ts';
import { WasmCalls } from './wasm-calls.ts';

interface FilterGradientExports {
  [name: string]: unknown;
  filterGradient(
    x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, co: number,
    kh: number, kw: number, sh: number, sw: number, dh: number, dw_: number, pt: number, pl: number,
  ): void;
  winogradFilterGradient3x3(
    x: number, dy: number, dw: number, vx: number, vg: number, m: number, scratch: number,
    n: number, hp: number, wp: number, ci: number, th: number, tw: number, co: number,
  ): void;
}

const simd = new SimdModule<FilterGradientExports>('filter-gradient.wasm');

/**
 * dW of a channels-last 2D or 3D convolution.
 *
 * Per spatial axis the forward conv is y[i] = sum_p x[i*s - pb + p*d] W[p], so
 * dW[p,c,o] = sum_{n,i} x[n, i*s - pb + p*d, c] dy[n,i,o]. In 2D that is our SIMD kernel's
 * GEMM over output pixels, or (other channel counts) one XNNPACK convolution, below. Every
 * stride, dilation, padding and odd size is covered, including the transposed-conv case
 * (tfjs' gradient of Conv2DBackpropInput passes its output gradient as x).
 *
 * In 3D, depth tap a only pairs dy's depth plane i with x's plane i*s - pf + a*d, so dW[a]
 * is the 2D dW over the n*outDepth plane pairs taken as one batch (which also keeps the
 * reduced "channel" axis of XNNPACK's formula long when n is 1).
 */
export function filterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  if (axes.length === 2) return planeFilterGradient(calls, x, dy, axes);
  const [depth, ...plane] = axes;
  const [n, od, oh, ow, co] = dy.shape;
  const fitted = calls.cropNegative(x, [[depth.padBefore, padAfter(depth)], [0, 0], [0, 0]]);
  const padded = calls.pad(fitted.x, fitted.pads);
  const dyPlanes = calls.reshape(dy, [n * od, oh, ow, co]);
  const taps = Array.from({ length: depth.kernel }, (_, a) => {
    const xPlanes = calls.depthPlanes(padded, a * depth.dilation, od, depth.stride);
    const dW = planeFilterGradient(calls, xPlanes, dyPlanes, plane);
    return calls.reshape(dW, [1, ...dW.shape]);
  });
  return taps.length === 1 ? taps[0] : calls.runOnList('Concat', taps, { axis: 0 });
}

function planeFilterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  if (dy.shape[3] % 4 === 0 && simdKernelsEnabled()) return simdPlaneFilterGradient(calls, x, dy, axes);
  return xnnpackPlaneFilterGradient(calls, x, dy, axes);
}

/**
 * The weight gradient as our SIMD kernel (simd/filter-gradient.as.ts): a GEMM over the
 * output pixels in 4x8 register blocks, 36-40 GFLOP/s, where XNNPACK's route below runs at a
 * third of that on full-resolution layers (its reduction runs over only n channels per
 * filter tap). The kernel takes output channels in groups of four; other counts (a
 * one-class head) take XNNPACK's route.
 */
function simdPlaneFilterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const [rows, cols] = axes;
  if (useWinograd(axes, ci, co) && winogradTilesFit(n, oh, ow, ci, co)) return winogradFilterGradient(calls, x, dy, axes);
  const dwShape = [rows.kernel, cols.kernel, ci, co];
  const dwLength = rows.kernel * cols.kernel * ci * co;
  const { offsets: [xAt, dyAt, dwAt], views: [xIn, dyIn, dwOut] } = simd.arrays([n * h * w * ci, n * oh * ow * co, dwLength]);
  xIn.set(calls.view(x));
  dyIn.set(calls.view(dy));
  simd.exports.filterGradient(
    xAt, dyAt, dwAt, n, h, w, ci, oh, ow, co,
    rows.kernel, cols.kernel, rows.stride, cols.stride, rows.dilation, cols.dilation, rows.padBefore, cols.padBefore,
  );
  return calls.compute(x, dwShape, (_, out) => out.set(dwOut));
}

/**
 * The same dW read as one convolution: c as the batch axis, n as the input channel and dy as
 * the filter, x^T [c,h,w,n] convolved with dy^T [oh,ow,n,o], stride d, dilation s, padded pb
 * before, yields [c,kh,kw,o]; XNNPACK's Conv2D does the whole reduction.
 */
/**
 * Whether dW runs by Winograd F(3x3, 2x2) (simd/filter-gradient.as.ts): a 3x3 stride-1
 * conv with channels in fours, at least 32 in and out and 96 together. Measured on the
 * layers of bench/train-step.ts: 1.5-1.7x faster from 64 channels on, 1.05-1.15x at 32/64,
 * slower at 32/32 and below (its extra passes over memory cost more than its 16/36 of the
 * multiplies save); and tile buffers within WINOGRAD_TILE_BYTES. UNET_WINOGRAD=0 computes
 * every dW directly.
 */
function useWinograd(axes: ConvAxis[], ci: number, co: number): boolean {
  const shape = axes.every((a) => a.kernel === 3 && a.stride === 1 && a.dilation === 1 && padAfter(a) >= 0);
  return shape && ci % 4 === 0 && co % 4 === 0 && ci >= 32 && co >= 32 && ci + co >= 96 && winogradEnabled();
}

/** dW by Winograd: x zero-padded so every 4x4 tile is inside, dy zero-padded to whole 2x2 tiles. */
function winogradFilterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const [rows, cols] = axes;
  const [th, tw] = [Math.ceil(oh / 2), Math.ceil(ow / 2)];
  const [hp, wp] = [2 * th + 2, 2 * tw + 2];
  const tiles = n * th * tw;
  const { offsets, views } = simd.arrays([n * hp * wp * ci, 4 * tiles * co, 9 * ci * co, 16 * tiles * ci, 16 * tiles * co, 16 * ci * co, 32]);
  const [xAt, dyAt, dwAt, vxAt, vgAt, mAt, scratchAt] = offsets;
  const [xIn, dyIn, dwOut] = views;
  copyPadded(calls.view(x), xIn, x.shape, [[rows.padBefore, hp - h - rows.padBefore], [cols.padBefore, wp - w - cols.padBefore]]);
  copyPadded(calls.view(dy), dyIn, dy.shape, [[0, 2 * th - oh], [0, 2 * tw - ow]]);
  simd.exports.winogradFilterGradient3x3(xAt, dyAt, dwAt, vxAt, vgAt, mAt, scratchAt, n, hp, wp, ci, th, tw, co);
  return calls.compute(x, [3, 3, ci, co], (_, out) => out.set(dwOut));
}

function xnnpackPlaneFilterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const xT = calls.transpose(x, [3, 1, 2, 0]);
  const dyT = calls.transpose(dy, [1, 2, 0, 3]);
  const dW = convNd(
    calls,
    xT,
    dyT,
    axes.map((a): [number, number] => [a.padBefore, padAfter(a)]),
    axes.map((a) => a.dilation),
    axes.map((a) => a.stride),
  );
  return calls.transpose(dW, [1, 2, 0, 3]);
}
