// The kernels of tfjs-backend-webgpu 4.22 that src/backends/tfjs/kernels/webgpu/ replaces, on
// SwiftShader, against the cpu engine: each case fails (garbage or an invalid pipeline)
// with the package's own kernel under current Dawn.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hasWebGpu, noWebGpu } from '../../helpers/webgpu.ts';

type Case = [string, () => tf.Tensor];

const labels = () => tf.tensor3d([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0], [2, 3, 2], 'int32');

const cases: Case[] = [
  // Cast relabels the i32 buffer; the reduction's internal transpose then fails.
  ['one-hot labels as float, summed over outer axes (a loss term)', () => tf.sum(tf.oneHot(labels(), 2).toFloat(), [0, 1, 2])],
  // Above the engine's CPU hand-off size (1000 elements), so that the GPU computes them.
  ['a 5-D map times a 1-D scale (3D batch norm)', () => tf.mul(tf.tensor(Array.from({ length: 6 ** 3 * 33 }, (_, i) => i / 7), [1, 6, 6, 6, 33]), tf.range(0, 33))],
  ['a 1-D offset plus a 5-D map', () => tf.add(tf.range(0, 5), tf.tensor(Array.from({ length: 1250 }, (_, i) => i / 3), [2, 5, 5, 5, 5]))],
  ['AddN of 20 tensors (a global-norm clip)', () => tf.addN(Array.from({ length: 20 }, (_, i) => tf.fill([3], i + 0.5)))],
];

describe.skipIf(!hasWebGpu)(`webgpu kernel fixes${noWebGpu ? ` (skipped: ${noWebGpu})` : ''}`, () => {
  it.each(cases)('%s: equals cpu', async (_, f) => {
    await tf.setBackend('cpu');
    const expected = tf.tidy(f);
    const want = { dtype: expected.dtype, shape: expected.shape, values: Array.from(await expected.data()) };
    await tf.setBackend('webgpu');
    const actual = tf.tidy(f);
    expect({ dtype: actual.dtype, shape: actual.shape, values: Array.from(await actual.data()) }).toEqual(want);
    tf.dispose([expected, actual]);
  });
});
