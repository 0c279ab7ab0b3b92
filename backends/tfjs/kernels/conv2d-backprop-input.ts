import * as tf from '@tensorflow/tfjs';
import { axes2d } from './conv-axes.ts';
import { inputGradient } from './input-gradient.ts';
import { type KernelArgs, WasmCalls } from './wasm-calls.ts';

/**
 * Conv2DBackpropInput (also conv2dTranspose's forward pass), replacing wasm's own kernel:
 * a plain loop, about 10x slower than the XNNPACK Conv2D and MatMul used here.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode,
    false, tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const calls = new WasmCalls(backend);
  return calls.finish(inputGradient(calls, dy, filter, axes2d(info)));
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
