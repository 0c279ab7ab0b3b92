import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.ts';
import { tileConfig } from './tile.ts';

/** Training kernels this project adds to (or replaces in) tfjs-backend-wasm 4.22. */
export const wasmTrainingKernels: tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig, tileConfig];

/**
 * Registers every kernel of `wasmTrainingKernels` for the 'wasm' backend. Idempotent: tfjs
 * refuses a second registration of a name, so a kernel already registered by us is skipped
 * and one registered by tfjs itself (its slow Conv2DBackpropInput and Tile) is replaced.
 */
export function registerWasmTrainingKernels(kernels: tf.KernelConfig[] = wasmTrainingKernels): void {
  for (const config of kernels) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}
