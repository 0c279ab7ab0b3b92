import * as tf from '@tensorflow/tfjs';
import type { ConvAxis } from './conv-axes.ts';
import { convNd } from './conv-nd.ts';
import { simdConv2d, simdConv2dSupports } from './simd-conv2d.ts';
import { WasmCalls } from './wasm-calls.ts';

/**
 * dx of a channels-last 2D or 3D convolution; also the forward pass of conv2dTranspose and
 * conv3dTranspose. tfjs' backprop-input kernels carry no dilation, so every axis has d = 1.
 *
 * Per spatial axis, from y[i] = sum_p x[i*s - pb + p] W[p]: dx[h] = sum_{i,p: i*s - pb + p = h} dy[i] W[p].
 * When kernel == stride and nothing is padded before (the 2x2 stride-2 up-conv of U-Nets)
 * each dy pixel writes its own block of dx, so dx is one matrix product
 * dy [M,co] x W^T [co, k..*ci]. Otherwise dx is split by output phase (sub-pixel
 * convolution): the rows h = m*s + r of one phase r only meet the taps p = t*s + c with
 * c = (r + pb) mod s, through dy[m + e - t], e = floor((r + pb) / s). Each phase is thus a
 * stride-1 correlation of dy with a sub-filter, flipped in space and with its in/out channel
 * axes swapped; the phases are interleaved at the end. No multiply meets an inserted zero,
 * and stride 1 is the single phase r = 0.
 */
export function inputGradient(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const blockwise = axes.every((a) => a.kernel === a.stride && a.padBefore === 0);
  return blockwise ? byBlocks(calls, dy, filter, axes) : byPhases(calls, dy, filter, axes);
}

function byBlocks(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const rank = axes.length;
  const [n, co] = [dy.shape[0], dy.shape[rank + 1]];
  const ci = filter.shape[rank];
  const outs = axes.map((a) => a.out);
  const kernels = axes.map((a) => a.kernel);
  // W^T is transposed here rather than by the matmul: wasm's BatchMatMul with transposeB is
  // 10-15x slower than without (42 ms against 4 ms for the up-conv of a 64x64x32 map).
  const filterT = calls.transpose(filter, [rank + 1, ...axes.map((_, i) => i), rank]);
  const blocks = calls.run('BatchMatMul', {
    a: calls.reshape(dy, [1, product([n, ...outs]), co]),
    b: calls.reshape(filterT, [1, co, product([...kernels, ci])]),
  }, { transposeA: false, transposeB: false });
  // [n, o.., k.., ci] -> [n, o1, k1, o2, k2, .., ci]: block (i) lands at rows i*k .. i*k+k-1.
  const interleave = [0, ...axes.flatMap((_, i) => [1 + i, 1 + rank + i]), 2 * rank + 1];
  const rows = calls.transpose(calls.reshape(blocks, [n, ...outs, ...kernels, ci]), interleave);
  const dense = calls.reshape(rows, [n, ...axes.map((a) => a.out * a.kernel), ci]);
  // Rows past the last block (valid padding, size not a multiple of the stride) get no
  // gradient: zeros. Rows the forward pass padded on ('same') are cropped.
  const fitted = calls.cropNegative(dense, axes.map((a): [number, number] => [0, a.size - a.out * a.kernel]));
  return calls.pad(fitted.x, fitted.pads);
}

/** One phase r of one axis: which flipped taps it uses and how dy is padded for it. */
interface Phase {
  taps: number;
  firstFlippedTap: number;
  pads: [number, number];
}

function phaseOf(a: ConvAxis, r: number): Phase {
  const c = (r + a.padBefore) % a.stride;
  const taps = c < a.kernel ? Math.ceil((a.kernel - c) / a.stride) : 0;
  const e = Math.floor((r + a.padBefore) / a.stride);
  // Correlating with the flipped sub-filter reads dy[m + e - taps + 1 ..]: pad taps-1-e before,
  // and after so that every phase yields ceil(size/s) rows (extra rows are cropped at the end).
  const before = taps - 1 - e;
  const rows = Math.ceil(a.size / a.stride);
  return { taps, firstFlippedTap: a.kernel - 1 - c - (taps - 1) * a.stride, pads: [before, rows + taps - 1 - a.out - before] };
}

function byPhases(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const rank = axes.length;
  if (rank === 2 && axes.every((a) => a.stride === 1) && simdConv2dSupports(filter, true)) {
    // Stride 1: one phase with every tap; our SIMD conv flips and swaps the filter as it packs it.
    const fitted = calls.cropNegative(dy, axes.map((a) => phaseOf(a, 0).pads));
    return simdConv2d(calls, fitted.x, filter, fitted.pads, [1, 1], [1, 1], { flipFilter: true });
  }
  const flipped = flipAndSwapChannels(calls, filter);
  const [co, ci] = flipped.shape.slice(-2);
  const rows = axes.map((a) => Math.ceil(a.size / a.stride));
  const ones = axes.map(() => 1);
  // Phases in row-major order of (r_1, .., r_rank).
  const combos = axes.reduce<Phase[][]>(
    (acc, a) => acc.flatMap((combo) => Array.from({ length: a.stride }, (_, r) => [...combo, phaseOf(a, r)])),
    [[]],
  );
  const phases = combos.map((combo) => {
    if (combo.some((p) => p.taps === 0)) {
      return calls.run('Fill', {}, { shape: [dy.shape[0], ...rows, ci], value: 0, dtype: 'float32' });
    }
    const subFilter = combo.every((p, i) => p.taps === axes[i].kernel) ? flipped : calls.run('StridedSlice', { x: flipped }, {
      begin: [...combo.map((p) => p.firstFlippedTap), 0, 0],
      end: [...combo.map((p, i) => p.firstFlippedTap + (p.taps - 1) * axes[i].stride + 1), co, ci],
      strides: [...axes.map((a) => a.stride), 1, 1],
      beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
    return convNd(calls, dy, subFilter, combo.map((p) => p.pads), ones, ones);
  });
  const n = dy.shape[0];
  const strides = axes.map((a) => a.stride);
  const interleaved = phases.length === 1 ? phases[0] : calls.reshape(
    // [s.., n, rows.., ci] -> [n, rows_1, s_1, rows_2, s_2, .., ci]: phase r of row m lands at m*s + r.
    calls.transpose(
      calls.reshape(calls.runOnList('Concat', phases, { axis: 0 }), [...strides, n, ...rows, ci]),
      [rank, ...axes.flatMap((_, i) => [rank + 1 + i, i]), 2 * rank + 1],
    ),
    [n, ...axes.map((a, i) => rows[i] * a.stride), ci],
  );
  return calls.cropNegative(interleaved, axes.map((a, i): [number, number] => [0, a.size - rows[i] * a.stride])).x;
}

/**
 * F[p.., o, c] = W[k-1-p.., c, o] in one pass over the heap (wasm's Reverse kernel takes
 * about 65 ns per element: 38 ms for a 3x3x256x256 filter, more than the conv itself).
 * Flipping every spatial axis of a row-major array reverses its linear spatial index.
 */
function flipAndSwapChannels(calls: WasmCalls, filter: tf.TensorInfo): tf.TensorInfo {
  const [ci, co] = filter.shape.slice(-2);
  const taps = product(filter.shape.slice(0, -2));
  return calls.compute(filter, [...filter.shape.slice(0, -2), co, ci], (w, f) => {
    for (let t = 0; t < taps; t++) {
      const from = (taps - 1 - t) * ci * co;
      const to = t * co * ci;
      for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) f[to + o * ci + c] = w[from + c * co + o];
    }
  });
}

function product(values: number[]): number {
  return values.reduce((a, b) => a * b, 1);
}
