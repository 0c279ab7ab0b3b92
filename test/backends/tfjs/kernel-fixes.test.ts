// The engine-independent kernel fixes register on their own (the playground's network page
// loads them without the wasm kernels), once however often they are called.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { cpuResizeGradConfigs } from '../../../src/backends/tfjs/kernels/cpu/cpu-resize-grad.ts';
import { conv3DBackpropInputGradConfig } from '../../../src/backends/tfjs/kernels/gradients/conv3d-transpose-grad.ts';
import { registerKernelFixes } from '../../../src/backends/tfjs/kernels/fixes.ts';

it('registers the cpu resize gradients and the conv3dTranspose gradient, idempotently', () => {
  for (const config of cpuResizeGradConfigs) expect(tf.getKernel(config.kernelName, 'cpu')?.kernelFunc).not.toBe(config.kernelFunc);
  registerKernelFixes();
  registerKernelFixes();
  for (const config of cpuResizeGradConfigs) expect(tf.getKernel(config.kernelName, 'cpu')?.kernelFunc).toBe(config.kernelFunc);
  expect(tf.getGradient(conv3DBackpropInputGradConfig.kernelName)?.gradFunc).toBe(conv3DBackpropInputGradConfig.gradFunc);
});
