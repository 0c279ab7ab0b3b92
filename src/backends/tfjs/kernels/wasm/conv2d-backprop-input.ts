import * as tf from '@tensorflow/tfjs';
import { axes2d, channelsLastPad } from '../shared/conv-axes.ts';
import { inputGradient } from '../shared/input-gradient.ts';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

/**
 * Conv2DBackpropInput (also conv2dTranspose's forward pass), replacing wasm's own kernel:
 * a plain loop, about 10x slower than the XNNPACK Conv2D and MatMul used here.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const calls = new WasmCalls(backend);
  // NCHW (which wasm's Conv2D refuses) is computed in NHWC and transposed back.
  const channelsFirst = dataFormat === 'NCHW';
  const [n, c, h, w] = inputShape;
  const info = tf.backend_util.computeConv2DInfo(
    channelsFirst ? [n, h, w, c] : inputShape, filter.shape as [number, number, number, number], strides, 1,
    channelsLastPad(pad, dataFormat),
    dimRoundingMode,
  );
  const dyLast = channelsFirst ? calls.transpose(dy, [0, 2, 3, 1]) : dy;
  const dx = inputGradient(calls, dyLast, filter, axes2d(info));
  return calls.finish(channelsFirst ? calls.transpose(dx, [0, 3, 1, 2]) : dx);
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
