import * as tf from '@tensorflow/tfjs';
import type { ConvAxis } from './conv-axes.ts';
import { convNd } from './conv-nd.ts';
import { WasmCalls } from './wasm-calls.ts';

/**
 * dx of a channels-last 2D or 3D convolution; also the forward pass of conv2dTranspose and
 * conv3dTranspose. tfjs' backprop-input kernels carry no dilation, so every axis has d = 1.
 *
 * Per spatial axis, from y[i] = sum_p x[i*s - pb + p] W[p]: dx[h] = sum_p dy_s[h + pb - p] W[p],
 * where dy_s is dy with s-1 zeros after every element (dy_s[i*s] = dy[i]). Substituting
 * p' = k-1-p makes that a stride-1 correlation of dy_s with the filter flipped in space and
 * with its in/out channel axes swapped, padded k-1-pb before. When kernel == stride and
 * nothing is padded before (the 2x2 stride-2 up-conv of U-Nets) each dy pixel writes its own
 * block of dx, so dx is one matrix product dy [M,co] x W^T [co, k..*ci] and no zeros are
 * multiplied.
 */
export function inputGradient(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const blockwise = axes.every((a) => a.kernel === a.stride && a.padBefore === 0);
  return blockwise ? byBlocks(calls, dy, filter, axes) : byConvolution(calls, dy, filter, axes);
}

function byBlocks(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const rank = axes.length;
  const [n, co] = [dy.shape[0], dy.shape[rank + 1]];
  const ci = filter.shape[rank];
  const outs = axes.map((a) => a.out);
  const kernels = axes.map((a) => a.kernel);
  const blocks = calls.run('BatchMatMul', {
    a: calls.reshape(dy, [1, product([n, ...outs]), co]),
    b: calls.reshape(filter, [1, product([...kernels, ci]), co]),
  }, { transposeA: false, transposeB: true });
  // [n, o.., k.., ci] -> [n, o1, k1, o2, k2, .., ci]: block (i) lands at rows i*k .. i*k+k-1.
  const interleave = [0, ...axes.flatMap((_, i) => [1 + i, 1 + rank + i]), 2 * rank + 1];
  const rows = calls.transpose(calls.reshape(blocks, [n, ...outs, ...kernels, ci]), interleave);
  const dense = calls.reshape(rows, [n, ...axes.map((a) => a.out * a.kernel), ci]);
  // Rows past the last block (valid padding, size not a multiple of the stride) get no
  // gradient: zeros. Rows the forward pass padded on ('same') are cropped.
  const fitted = calls.cropNegative(dense, axes.map((a): [number, number] => [0, a.size - a.out * a.kernel]));
  return calls.pad(fitted.x, fitted.pads);
}

function byConvolution(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const stuffed = insertZeros(calls, dy, axes.map((a) => a.stride));
  const pads = axes.map((a): [number, number] => {
    const before = a.kernel - 1 - a.padBefore;
    // The correlation must yield exactly `size` rows: before + out*s + after = size + k - 1.
    return [before, a.size + a.kernel - 1 - a.out * a.stride - before];
  });
  const ones = axes.map(() => 1);
  return convNd(calls, stuffed, flipAndSwapChannels(calls, filter), pads, ones, ones);
}

/**
 * dy_s: s-1 zeros after every element of every spatial axis, by padding a unit axis placed
 * after it. One axis at a time, because XNNPACK's pad takes at most 6 dimensions (beyond
 * that it fails and leaves the output unwritten).
 */
function insertZeros(calls: WasmCalls, dy: tf.TensorInfo, strides: number[]): tf.TensorInfo {
  return strides.reduce((t, s, i) => {
    if (s === 1) return t;
    const axis = i + 1;
    const [before, rows, after] = [product(t.shape.slice(0, axis)), t.shape[axis], product(t.shape.slice(axis + 1))];
    const padded = calls.run('PadV2', { x: calls.reshape(t, [before, rows, 1, after]) }, {
      paddings: [[0, 0], [0, 0], [0, s - 1], [0, 0]],
      constantValue: 0,
    });
    return calls.reshape(padded, t.shape.map((n, j) => (j === axis ? n * s : n)));
  }, dy);
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
