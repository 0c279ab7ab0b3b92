// Fixes of tfjs-backend-webgpu 4.22's kernels (each file says what is wrong), registered
// over the package's own once it is imported. No Node built-ins: a page uses them too.
// Listed in src/backends/tfjs/gaps.ts's WEBGPU_FIXES.
import * as tf from '@tensorflow/tfjs';
import { chunkedAddN } from './add-n.ts';
import { BINARY_KERNELS, rankMatchedBinary } from './binary-rank.ts';
import { realFloatCast } from './cast-to-float.ts';

let registered = false;

function replace(name: string, make: (original: tf.KernelConfig['kernelFunc']) => tf.KernelConfig['kernelFunc']): void {
  const original = tf.getKernel(name, 'webgpu');
  if (original === undefined) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel: expected version 4.22`);
  tf.unregisterKernel(name, 'webgpu');
  tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
}

/** `util`: the package's exported webgpu_util (dispatch helpers for our shader). */
export function registerWebGpuKernelFixes(util: Parameters<typeof realFloatCast>[1]): void {
  if (registered) return;
  registered = true;
  replace('Cast', (cast) => realFloatCast(cast, util));
  replace('AddN', chunkedAddN);
  for (const name of BINARY_KERNELS) replace(name, rankMatchedBinary);
}
