import * as tf from '@tensorflow/tfjs';
// wasm's own kernel is captured below for strings.
import '@tensorflow/tfjs-backend-wasm';
import { simdKernelsEnabled } from '../simd/module.ts';
import type { KernelArgs } from '../shared/wasm-calls.ts';

const tfjsIdentity = tf.getKernel('Identity', 'wasm')!;

/**
 * Identity (tf.clone) sharing the input's data, as the cpu engine's does, instead of
 * copying it as wasm's own: tensors are immutable and a variable's assign swaps its data
 * rather than writing into it, so sharing is safe. The gradient tape clones every tensor it
 * saves for the backward pass, activations included: about 200 copies, 13 ms of a U-Net step
 * at batch 2 (bench/train-step.ts).
 */
function identity(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string' || !simdKernelsEnabled()) return tfjsIdentity.kernelFunc(args as never) as tf.TensorInfo;
  (args.backend as tf.KernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
