import * as tf from '@tensorflow/tfjs';
// wasm registers its own kernels when imported: that must happen before ours replace them.
import '@tensorflow/tfjs-backend-wasm';
import { batchNormTrainConfig, batchNormTrainGradConfig } from './wasm/batch-norm-train.ts';
import { concatConfig } from './wasm/concat-split.ts';
import { conv2DConfig, fusedConv2DConfig } from './wasm/conv2d.ts';
import { conv2DBackpropFilterConfig } from './wasm/conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './wasm/conv2d-backprop-input.ts';
import { conv3DConfig } from './wasm/conv3d.ts';
import { conv3DBackpropFilterConfig } from './wasm/conv3d-backprop-filter.ts';
import { conv3DBackpropInputConfig } from './wasm/conv3d-backprop-input.ts';
import { registerKernelFixes, replaceKernel } from './fixes.ts';
import { identityConfig } from './wasm/identity.ts';
import { maxPoolGradConfig } from './wasm/max-pool-grad.ts';
import { maxPool3DConfig, maxPool3DGradConfig } from './wasm/max-pool3d.ts';
import { optimizerStepConfig } from './wasm/optimizer-step.ts';
import { sliceConfig, splitVConfig } from './wasm/slice.ts';
import { tileConfig } from './wasm/tile.ts';
import { transposeConfig } from './wasm/transpose.ts';

/** Kernels this project adds to (or replaces in) tfjs-backend-wasm 4.22 so that conv nets train fast. */
export const wasmTrainingKernels: tf.KernelConfig[] = [
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  concatConfig,
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  conv3DConfig,
  conv3DBackpropFilterConfig,
  conv3DBackpropInputConfig,
  identityConfig,
  maxPoolGradConfig,
  maxPool3DConfig,
  maxPool3DGradConfig,
  optimizerStepConfig,
  sliceConfig,
  splitVConfig,
  tileConfig,
  transposeConfig,
];

/**
 * Registers every kernel of `wasmTrainingKernels` for the 'wasm' backend; and, whichever
 * engine runs, the gradient of conv3dTranspose that tfjs-core lacks (so a 3D U-Net trains at
 * all) and the cpu engine's two resize gradients that tfjs gets wrong (cpu-resize-grad.ts).
 * Idempotent: a kernel already registered by us is skipped, one registered by tfjs itself
 * (its slow Conv2DBackpropInput, Conv3D, Slice, SplitV, Tile and Transpose, its wrong 3D
 * backprops, 3D max pooling and MaxPoolGrad) is unregistered first, so tfjs prints no
 * "already registered" warning.
 */
export function registerWasmTrainingKernels(kernels: tf.KernelConfig[] = wasmTrainingKernels): void {
  for (const config of kernels) replaceKernel(config);
  registerKernelFixes();
}
