// The gradient of every op a 2D U-Net differentiates (src/backends/tfjs/lower.ts and layers/)
// on the wasm and cpu engines, with our kernels: tfjs has shipped wrong gradient kernels on
// both (wasm: MaxPoolGrad, the 3D backprops; cpu: ResizeNearestNeighborGrad for batches of
// more than one image, ResizeBilinearGrad on non-square maps), so none is taken on trust.
//
// - Linear ops (pooling by mean, resizing, concat, crop, pixel shuffle, mean): the gradient
//   of sum(w * f(x)) is the adjoint f^T(w), so <grad, v> must equal <w, f(v)> for any v,
//   with f run on the same engine: no reference engine needed. On both engines.
// - The others (max pooling, activations, softmax) on wasm against the cpu engine.
// The webgpu engine (on SwiftShader, test/helpers/webgpu.ts) runs the same checks as wasm.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasWebGpu } from '../../helpers/webgpu.ts';
import { registerWasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';
import { PixelShuffle, Resize } from '../../../src/backends/tfjs/layers/index.ts';
import { relErr, seededValues as values } from '../../helpers/numeric.ts';

/** A non-square map with channels that are not a multiple of 4. */
const SHAPE: [number, number, number, number] = [2, 6, 8, 6];
const SIZE = SHAPE.reduce((a, b) => a * b, 1);

type Op = (x: tf.Tensor4D) => tf.Tensor;
const layer = (l: tf.layers.Layer): Op => (x) => l.apply(x) as tf.Tensor;

const linear: [string, Op][] = [
  ['average pooling 2x2', (x) => tf.avgPool(x, 2, 2, 'valid')],
  ['bilinear upsampling x2 (upSampling2d, asymmetric)', layer(tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }))],
  ['nearest upsampling x2 (upSampling2d)', layer(tf.layers.upSampling2d({ size: [2, 2], interpolation: 'nearest' }))],
  ['bilinear upsampling x2, align corners (our Resize)', layer(new Resize({ scale: [2, 2], mode: 'bilinear', alignCorners: true }))],
  ['pixel shuffle (our PixelShuffle)', (x) => (layer(new PixelShuffle({ scale: 2 })))(x.slice([0, 0, 0, 0], [2, 6, 8, 4]))],
  ['channel concat (a skip)', (x) => tf.concat([x, tf.mul(x, 2)], 3)],
  ['crop (a valid skip)', (x) => tf.slice(x, [0, 1, 2, 0], [2, 4, 4, 6])],
  ['spatial mean (squeeze-excitation)', (x) => tf.mean(x, [1, 2], true)],
];

const nonlinear: [string, Op][] = [
  ['max pooling 2x2', (x) => tf.maxPool(x, 2, 2, 'valid')],
  ['max pooling 3x3 stride 2 same', (x) => tf.maxPool(x, 3, 2, 'same')],
  ['ReLU', (x) => tf.relu(x)],
  ['leaky ReLU', (x) => tf.leakyRelu(x, 0.1)],
  ['ELU', (x) => tf.elu(x)],
  ['sigmoid', (x) => tf.sigmoid(x)],
  ['tanh', (x) => tf.tanh(x)],
  ['softmax over channels', (x) => tf.softmax(x)],
];

/**
 * The gradient at x of sum(w * f(x)), w fixed per output, and <w, f(v)>. Read with data():
 * the webgpu engine cannot read a tensor synchronously in Node (no OffscreenCanvas).
 */
async function probe(f: Op, x: Float32Array): Promise<{ grad: Float32Array; output: (v: Float32Array) => Promise<number> }> {
  const weights = (y: tf.Tensor) => tf.tensor(values(y.size, 5), y.shape);
  const read = async (t: tf.Tensor) => {
    const data = (await t.data()) as Float32Array;
    t.dispose();
    return data;
  };
  const grad = await read(tf.tidy(() => tf.grad((t: tf.Tensor) => {
    const y = f(t as tf.Tensor4D);
    return tf.sum(tf.mul(y, weights(y)));
  })(tf.tensor4d(x, SHAPE))));
  const output = async (v: Float32Array) => (await read(tf.tidy(() => {
    const y = f(tf.tensor4d(v, SHAPE));
    return tf.sum(tf.mul(y, weights(y)));
  })))[0];
  return { grad, output };
}

/**
 * Ops with a filter, 2D and 3D: the output and the gradients of sum(w * f(x, k)) with
 * respect to x and k, on the engine that is active.
 */
type Filtered = { x: number[]; k: number[]; f: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor };
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const filtered: [string, Filtered][] = [
  ['conv2d 3x3 same', { x: [2, 6, 8, 3], k: [3, 3, 3, 4], f: (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same') }],
  ['conv2d 3x3 valid', { x: [1, 7, 6, 2], k: [3, 3, 2, 5], f: (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid') }],
  ['conv2d 1x1 (a head)', { x: [2, 4, 4, 6], k: [1, 1, 6, 2], f: (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same') }],
  ['conv2d 2x2 stride 2 (a strided down)', { x: [1, 8, 6, 3], k: [2, 2, 3, 4], f: (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 2, 'valid') }],
  ['conv2dTranspose 2x2 stride 2 (an up-conv)', { x: [2, 3, 4, 6], k: [2, 2, 3, 6], f: (x, k) => tf.conv2dTranspose(x as tf.Tensor4D, k as tf.Tensor4D, [2, 6, 8, 3], 2, 'valid') }],
  ['conv3d 3x3x3 same', { x: [1, 4, 5, 4, 2], k: [3, 3, 3, 2, 3], f: (x, k) => tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, 1, 'same') }],
  ['conv3d 2x2x2 stride 2 valid', { x: [1, 4, 6, 4, 2], k: [2, 2, 2, 2, 3], f: (x, k) => tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, 2, 'valid') }],
  ['conv3dTranspose 2x2x2 stride 2 (a 3D up-conv)', { x: [1, 2, 3, 2, 4], k: [2, 2, 2, 3, 4], f: (x, k) => tf.conv3dTranspose(x as tf.Tensor5D, k as tf.Tensor5D, [1, 4, 6, 4, 3], 2, 'valid') }],
  ['max pooling 3D 2x2x2 (k unused)', { x: [1, 4, 6, 4, 3], k: [1], f: (x, k) => tf.add(tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'), tf.mul(tf.sum(k), 0)) }],
  ['average pooling 3D 2x2x2 (k unused)', { x: [1, 4, 6, 4, 3], k: [1], f: (x, k) => tf.add(tf.avgPool3d(x as tf.Tensor5D, 2, 2, 'valid'), tf.mul(tf.sum(k), 0)) }],
];

async function probeFiltered(op: Filtered): Promise<Float32Array[]> {
  const x = tf.tensor(values(count(op.x), 11), op.x);
  const k = tf.tensor(values(count(op.k), 12), op.k);
  const weighted = (a: tf.Tensor, b: tf.Tensor) => {
    const y = op.f(a, b);
    return tf.sum(tf.mul(y, tf.tensor(values(y.size, 13), y.shape)));
  };
  const out = tf.tidy(() => [op.f(x, k), ...tf.grads(weighted)([x, k])]);
  const data = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([x, k, ...out]);
  return data;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

/** The engines under test besides cpu, the reference. */
const engines = ['wasm', ...(hasWebGpu ? ['webgpu'] : [])];

describe(`gradients on ${engines.join(', ')} and cpu`, { timeout: 60_000 }, () => {
  const onEngines = [...engines, 'cpu'].flatMap((engine) => linear.map(([name, f]): [string, string, Op] => [engine, name, f]));
  it.each(onEngines)('%s, %s: the gradient is the adjoint (<grad, v> = <w, f(v)>)', async (engine, _, f) => {
    await tf.setBackend(engine);
    const { grad, output } = await probe(f, values(SIZE, 3));
    expect(grad.some((g) => g !== 0)).toBe(true);
    for (const seed of [7, 8]) {
      const v = values(SIZE, seed);
      const [lhs, rhs] = [dot(grad, v), await output(v)];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(rhs)));
    }
  });

  const compared = engines.flatMap((engine) => nonlinear.map(([name, f]): [string, string, Op] => [engine, name, f]));
  it.each(compared)('%s, %s: equals cpu', async (engine, _, f) => {
    const x = values(SIZE, 3);
    await tf.setBackend('cpu');
    const expected = (await probe(f, x)).grad;
    await tf.setBackend(engine);
    expect(relErr((await probe(f, x)).grad, expected)).toBeLessThan(1e-5);
  });

  const withFilters = engines.flatMap((engine) => filtered.map(([name, op]): [string, string, Filtered] => [engine, name, op]));
  it.each(withFilters)('%s, %s: output and gradients (input, filter) equal cpu', async (engine, _, op) => {
    await tf.setBackend('cpu');
    const expected = await probeFiltered(op);
    await tf.setBackend(engine);
    const actual = await probeFiltered(op);
    expect(actual.map((a, i) => (expected[i].some((v) => v !== 0) ? relErr(a, expected[i]) < 1e-5 : a.every((v) => v === 0)))).toEqual([true, true, true]);
  });
});
