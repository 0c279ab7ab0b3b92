// Runs in headless Chromium (webgpu-browser.test.ts): the webgpu engine as a page imports
// it (src/backends/tfjs/webgpu.ts, no Node built-ins), a conv2d and its gradients on WebGPU
// and on cpu, and the largest difference relative to cpu's range.
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, registerWebGpuBackend, requestAdapter } from '../../../src/backends/tfjs/webgpu.ts';
import { relErr, seededValues } from '../../helpers/numeric.ts';

async function convAndGradients(): Promise<Float32Array[]> {
  const x = tf.tensor4d(seededValues(2 * 8 * 8 * 3, 1), [2, 8, 8, 3]);
  const w = tf.tensor4d(seededValues(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), tf.tensor4d(seededValues(2 * 8 * 8 * 4, 3), [2, 8, 8, 4])));
  const [dx, dw] = tf.grads(f)([x, w]);
  const y = tf.conv2d(x, w, 1, 'same');
  return Promise.all([y, dx, dw].map(async (t) => (await t.data()) as Float32Array));
}

async function run(): Promise<{ adapter: string; errors: number[] }> {
  const chosen = await requestAdapter(navigator.gpu);
  if (chosen === null) throw new Error('navigator.gpu.requestAdapter() returned null');
  await registerWebGpuBackend(chosen);
  await tf.setBackend('cpu');
  const expected = await convAndGradients();
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed');
  const actual = await convAndGradients();
  return { adapter: describeAdapter(chosen.summary), errors: actual.map((a, i) => relErr(a, expected[i]!)) };
}

(globalThis as { webgpuResult?: Promise<unknown> }).webgpuResult = run().catch((e: Error) => ({ error: e.message }));
