import * as tf from '@tensorflow/tfjs';
import { axes3d } from '../shared/conv-axes.ts';
import { inputGradient } from '../shared/input-gradient.ts';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

/**
 * Conv3DBackpropInputV2 (also conv3dTranspose's forward pass), replacing wasm's own kernel,
 * which is wrong (relative error 0.57 against the cpu backend even for a 3x3x3 stride-1
 * 'same' conv, 1 for the 2x2x2 stride-2 up-conv).
 */
function conv3DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, inputShape } = attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
  const info = tf.backend_util.computeConv3DInfo(
    inputShape, filter.shape as [number, number, number, number, number], strides, 1, pad,
  );
  const calls = new WasmCalls(backend);
  return calls.finish(inputGradient(calls, dy, filter, axes3d(info)));
}

export const conv3DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv3DBackpropInputV2',
  backendName: 'wasm',
  kernelFunc: conv3DBackpropInput as unknown as tf.KernelFunc,
};
