import type * as tf from '@tensorflow/tfjs';
import { SimdModule, simdKernelsEnabled } from '../simd/module.ts';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../shared/kernel-names.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

interface BatchNormExports {
  [name: string]: unknown;
  batchNormForward(x: number, y: number, rows: number, channels: number, gamma: number, beta: number, epsilon: number,
    mean: number, variance: number, scratch: number): void;
  batchNormBackward(dy: number, x: number, dx: number, rows: number, channels: number, gamma: number, mean: number,
    variance: number, epsilon: number, dgamma: number, dbeta: number, scratch: number): void;
}

/** The same two kernels in WebAssembly SIMD (simd/batch-norm.as.ts), for channel counts that are multiples of 4. */
const simd = new SimdModule<BatchNormExports>('batch-norm.wasm');

/**
 * Batch normalisation in training mode as two fused kernels on the wasm heap, for
 * channels-last tensors seen as M rows of C channels.
 *
 * tfjs-layers builds a training batch norm from moments (Mean, SquaredDifference, Mean) and
 * FusedBatchNorm, and tfjs-core differentiates that chain op by op: about 40 kernel calls per
 * layer (Sum, Multiply, Sub, Tile, Reshape, ...), a third of a U-Net training step on wasm.
 * Here the forward pass is two sweeps over x (both moments, then the output) and the backward
 * pass two (the two sums, then dx), with float64 accumulators:
 *
 *   mean, var = biased moments of x per channel      rstd = 1 / sqrt(var + epsilon)
 *   y     = gamma * (x - mean) * rstd + beta
 *   dbeta = sum(dy)      dgamma = sum(dy * xhat)      xhat = (x - mean) * rstd
 *   dx    = gamma * rstd * (dy - dbeta / M - xhat * dgamma / M)
 *
 * (The last line is the derivative through mean and variance as well as through x.)
 */

export interface BatchNormTrainAttrs {
  epsilon: number;
}

function rowsAndChannels(shape: number[]): [number, number] {
  const channels = shape[shape.length - 1];
  return [shape.reduce((a, b) => a * b, 1) / channels, channels];
}

/** Inputs x, gamma, beta; outputs y, the batch mean and the (biased) batch variance. */
function batchNormTrain({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const { epsilon } = attrs as unknown as BatchNormTrainAttrs;
  const wasm = backend as WasmBackend;
  const [rows, channels] = rowsAndChannels(x.shape);
  const y = wasm.makeOutput(x.shape, 'float32');
  const meanOut = wasm.makeOutput([channels], 'float32');
  const varianceOut = wasm.makeOutput([channels], 'float32');
  // Views are taken after allocating: allocation may grow (and move) the heap.
  const [xs, g, b, ys, means, variances] = [x, gamma, beta, y, meanOut, varianceOut].map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
  if (channels % 4 === 0 && simdKernelsEnabled()) {
    const { offsets, views } = simd.arrays([rows * channels, rows * channels, channels, channels, channels, channels, 5 * channels]);
    const [xAt, yAt, gAt, bAt, meanAt, varAt, scratch] = offsets;
    views[0].set(xs);
    views[2].set(g);
    views[3].set(b);
    simd.exports.batchNormForward(xAt, yAt, rows, channels, gAt, bAt, epsilon, meanAt, varAt, scratch);
    ys.set(views[1]);
    means.set(views[4]);
    variances.set(views[5]);
    return [y, meanOut, varianceOut];
  }

  // One sweep for both moments; float64 sums keep E[x^2] - mean^2 exact enough for float32 data.
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < rows * channels; i += channels) {
    for (let c = 0; c < channels; c++) {
      const v = xs[i + c];
      sum[c] += v;
      squares[c] += v * v;
    }
  }
  const mean = sum.map((s) => s / rows);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const variance = Math.max(squares[c] / rows - mean[c] * mean[c], 0);
    means[c] = mean[c];
    variances[c] = variance;
    scale[c] = g[c] / Math.sqrt(variance + epsilon);
    shift[c] = b[c] - mean[c] * scale[c];
  }
  for (let i = 0; i < rows * channels; i += channels) for (let c = 0; c < channels; c++) ys[i + c] = xs[i + c] * scale[c] + shift[c];
  return [y, meanOut, varianceOut];
}

/** Inputs dy, x, gamma, mean, variance (from the forward kernel); outputs dx, dgamma, dbeta. */
function batchNormTrainGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, gamma, mean, variance } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'variance', tf.TensorInfo>;
  const { epsilon } = attrs as unknown as BatchNormTrainAttrs;
  const wasm = backend as WasmBackend;
  const [rows, channels] = rowsAndChannels(x.shape);
  const dx = wasm.makeOutput(x.shape, 'float32');
  const dgammaOut = wasm.makeOutput([channels], 'float32');
  const dbetaOut = wasm.makeOutput([channels], 'float32');
  const [dys, xs, g, m, v, dxs, dgammas, dbetas] = [dy, x, gamma, mean, variance, dx, dgammaOut, dbetaOut].map(
    (t) => wasm.typedArrayFromHeap(t) as Float32Array,
  );

  if (channels % 4 === 0 && simdKernelsEnabled()) {
    const n = rows * channels;
    const { offsets, views } = simd.arrays([n, n, n, channels, channels, channels, channels, channels, 9 * channels]);
    const [dyAt, xAt, dxAt, gAt, meanAt, varAt, dgAt, dbAt, scratch] = offsets;
    views[0].set(dys);
    views[1].set(xs);
    views[3].set(g);
    views[4].set(m);
    views[5].set(v);
    simd.exports.batchNormBackward(dyAt, xAt, dxAt, rows, channels, gAt, meanAt, varAt, epsilon, dgAt, dbAt, scratch);
    dxs.set(views[2]);
    dgammas.set(views[6]);
    dbetas.set(views[7]);
    return [dx, dgammaOut, dbetaOut];
  }
  const rstd = Float64Array.from(v, (s) => 1 / Math.sqrt(s + epsilon));
  const dbeta = new Float64Array(channels);
  const dyxc = new Float64Array(channels); // sum(dy * (x - mean)); dgamma = rstd * dyxc
  for (let i = 0; i < rows * channels; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = dys[i + c];
      dbeta[c] += d;
      dyxc[c] += d * (xs[i + c] - m[c]);
    }
  }
  // dx = a * dy + k * (x - mean) + b per channel, with the constants folded once.
  const a = new Float64Array(channels);
  const k = new Float64Array(channels);
  const offset = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const dgamma = dyxc[c] * rstd[c];
    dgammas[c] = dgamma;
    dbetas[c] = dbeta[c];
    a[c] = g[c] * rstd[c];
    k[c] = -a[c] * rstd[c] * dgamma / rows;
    offset[c] = -a[c] * dbeta[c] / rows - k[c] * m[c];
  }
  for (let i = 0; i < rows * channels; i += channels) {
    for (let c = 0; c < channels; c++) dxs[i + c] = a[c] * dys[i + c] + k[c] * xs[i + c] + offset[c];
  }
  return [dx, dgammaOut, dbetaOut];
}

export const batchNormTrainConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as tf.KernelFunc,
};

export const batchNormTrainGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as tf.KernelFunc,
};
