// The fixes every engine gets, apart from the wasm kernels (index.ts), so a browser page can
// register them without loading those: the gradient of conv3dTranspose that tfjs-core lacks
// (so a 3D U-Net trains at all) and the cpu engine's two resize gradients that tfjs gets
// wrong (cpu/cpu-resize-grad.ts). Browser-safe.
import * as tf from '@tensorflow/tfjs';
import { cpuResizeGradConfigs } from './cpu/cpu-resize-grad.ts';
import { conv3DBackpropInputGradConfig } from './gradients/conv3d-transpose-grad.ts';

/** Registers `config` in place of the backend's own kernel of that name (idempotent). */
export function replaceKernel(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current?.kernelFunc === config.kernelFunc) return;
  if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
  // wasm's kernels bind their C functions in setupFunc, run when the backend starts; others
  // call them directly (its Sum calls its Transpose), so a replaced kernel keeps that setup.
  tf.registerKernel({ ...config, setupFunc: current?.setupFunc });
}

/** The engine-independent fixes: the cpu resize gradients and the conv3dTranspose gradient (idempotent). */
export function registerKernelFixes(): void {
  for (const config of cpuResizeGradConfigs) replaceKernel(config);
  if (tf.getGradient(conv3DBackpropInputGradConfig.kernelName) === undefined) {
    tf.registerGradient(conv3DBackpropInputGradConfig);
  }
}
