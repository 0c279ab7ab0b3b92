// The fused training batch norm of the wasm engine (src/backends/tfjs/kernels/wasm/batch-norm-train.ts
// through layers/batch-norm.ts) against the stock tfjs-layers computation on the cpu engine:
// output, gradients for input, gamma and beta, and the moving statistics, 2D and 3D.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';
import { BATCH_NORM_TRAIN } from '../../../src/backends/tfjs/kernels/shared/kernel-names.ts';
import { BatchNorm, BatchNorm3D } from '../../../src/backends/tfjs/layers/index.ts';
import { relErr } from '../../helpers/numeric.ts';

/** Deterministic values with a mean far from 0 (offset) so the variance formula is exercised. */
function values(size: number, seed: number, offset: number, scale: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return offset + scale * (a / 4294967296 - 0.5);
  });
}

interface Run {
  y: Float32Array;
  grads: Float32Array[];
  moving: Float32Array[];
}

/** One training-mode call and its gradients on the current engine, from the same weights. */
function trainStep(shape: number[], make: () => tf.layers.Layer): Run {
  const channels = shape.at(-1)!;
  const layer = make();
  layer.build(shape);
  tf.tidy(() =>
    layer.setWeights([
      tf.tensor1d(values(channels, 3, 1, 1)), // gamma
      tf.tensor1d(values(channels, 4, 0, 1)), // beta
      tf.tensor1d(values(channels, 5, 0, 0.2)), // moving mean
      tf.tensor1d(values(channels, 6, 1, 0.2)), // moving variance
    ]),
  );
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(values(size, 1, 5, 3), shape);
  const probe = tf.tensor(values(size, 2, 0, 2), shape);
  // A loss that weights every output differently, so dx is not trivially zero.
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, probe)) as tf.Scalar;
  const y = tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
  // The call above updated the moving statistics once; read them before the gradient pass does again.
  const moving = layer.getWeights().slice(2).map((w) => w.dataSync() as Float32Array);
  const grads = tf.tidy(() => {
    const dx = tf.grad(f)(x);
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads: dw } = tf.variableGrads(() => f(x), variables);
    return [dx, ...variables.map((v) => dw[v.name])].map((g) => g.dataSync() as Float32Array);
  });
  tf.dispose([x, probe]);
  for (const w of layer.weights) w.dispose();
  return { y, grads, moving };
}

beforeAll(() => registerWasmTrainingKernels());

describe('batch norm in training mode on wasm (fused) equals the stock layer on cpu', () => {
  const cases: [string, number[], () => tf.layers.Layer][] = [
    // 6 channels: the JavaScript kernels; multiples of 4: the SIMD ones (simd/batch-norm.as.ts).
    ['2D, 6 channels', [3, 7, 5, 6], () => new BatchNorm({ axis: -1, epsilon: 1e-5, momentum: 0.9 })],
    ['2D, 8 channels, 1,440 rows (SIMD, many float32 blocks)', [4, 18, 20, 8], () => new BatchNorm({ axis: -1, epsilon: 1e-5, momentum: 0.9 })],
    ['3D, 4 channels (SIMD)', [2, 3, 4, 5, 4], () => new BatchNorm3D({ axis: -1, epsilon: 1e-3, momentum: 0.99 })],
  ];
  for (const [name, shape, make] of cases)
    it(`${name}: output, dx, dgamma, dbeta and moving statistics (relative error < 1e-4)`, async () => {
      await tf.setBackend('cpu');
      const expected = trainStep(shape, make);
      await tf.setBackend('wasm');
      const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
      const before = [tf.memory().numTensors, backend.numDataIds()];
      const calls: string[] = [];
      const kernel = tf.getKernel(BATCH_NORM_TRAIN, 'wasm')!;
      const original = kernel.kernelFunc;
      kernel.kernelFunc = (args) => (calls.push(BATCH_NORM_TRAIN), original(args));
      const actual = trainStep(shape, make);
      kernel.kernelFunc = original;
      expect(calls.length, 'the fused kernel ran').toBeGreaterThan(0);
      expect([tf.memory().numTensors, backend.numDataIds()], 'no tensor leaked').toEqual(before);
      expect(relErr(actual.y, expected.y)).toBeLessThan(1e-4);
      actual.grads.forEach((g, i) => expect(relErr(g, expected.grads[i]), `gradient ${['x', 'gamma', 'beta'][i]}`).toBeLessThan(1e-4));
      actual.moving.forEach((m, i) => expect(relErr(m, expected.moving[i]), `moving ${['mean', 'variance'][i]}`).toBeLessThan(1e-4));
    });

  it('inference (training false) uses the moving statistics, as the stock layer', async () => {
    await tf.setBackend('wasm');
    const layer = new BatchNorm({ axis: -1 });
    layer.build([1, 2, 2, 2]);
    layer.setWeights([tf.tensor1d([2, 1]), tf.tensor1d([0, 1]), tf.tensor1d([1, 0]), tf.tensor1d([4, 1])]);
    const y = layer.apply(tf.tensor4d([1, 0, 3, 1, 5, 2, -1, 3], [1, 2, 2, 2]), { training: false }) as tf.Tensor;
    const eps = 1e-3;
    const want = [1, 0, 3, 1, 5, 2, -1, 3].map((v, i) => (i % 2 === 0 ? (2 * (v - 1)) / Math.sqrt(4 + eps) : (v - 0) / Math.sqrt(1 + eps) + 1));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });
});
