import * as tf from '@tensorflow/tfjs';
import { axes2d, channelsLastPad } from '../shared/conv-axes.ts';
import { filterGradient } from '../shared/filter-gradient.ts';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

type Attrs = tf.Conv2DBackpropFilterAttrs & { dilations?: [number, number] | number };

/**
 * Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks (so no conv net trains on it).
 * tfjs passes no dilations (its conv2d gradient refuses dilated convs); the attribute is
 * honoured when a caller runs the kernel with one.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations } = attrs as unknown as Attrs;
  const calls = new WasmCalls(backend);
  // NCHW (which wasm's Conv2D refuses) is computed in NHWC; dW's layout does not depend on it.
  const [xLast, dyLast] = dataFormat === 'NCHW' ? [x, dy].map((t) => calls.transpose(t, [0, 2, 3, 1])) : [x, dy];
  const info = tf.backend_util.computeConv2DInfo(
    xLast.shape as [number, number, number, number], filterShape, strides, dilations ?? 1,
    channelsLastPad(pad, dataFormat), dimRoundingMode,
  );
  return calls.finish(filterGradient(calls, xLast, dyLast, axes2d(info)));
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
