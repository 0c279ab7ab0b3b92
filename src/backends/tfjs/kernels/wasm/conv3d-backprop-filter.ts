import * as tf from '@tensorflow/tfjs';
import { axes3d } from '../shared/conv-axes.ts';
import { filterGradient } from '../shared/filter-gradient.ts';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

/**
 * Conv3DBackpropFilterV2, replacing wasm's own kernel, which is wrong for strides > 1
 * (relative error 1 against the cpu backend for a 2x2x2 stride-2 conv).
 */
function conv3DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, filterShape } = attrs as unknown as tf.Conv3DBackpropFilterV2Attrs;
  const info = tf.backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number], filterShape, strides, 1, pad,
  );
  const calls = new WasmCalls(backend);
  return calls.finish(filterGradient(calls, x, dy, axes3d(info)));
}

export const conv3DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv3DBackpropFilterV2',
  backendName: 'wasm',
  kernelFunc: conv3DBackpropFilter as unknown as tf.KernelFunc,
};
