import * as tf from '@tensorflow/tfjs';
import { WasmCalls } from './wasm-calls.ts';

/**
 * dW for a 2D convolution (NHWC), which tfjs-backend-wasm 4.22 lacks.
 *
 * The forward conv is y[n,i,j,o] = sum_{p,q,c} x[n, i*s - pt + p*d, j*s - pl + q*d, c] W[p,q,c,o],
 * so dW[p,q,c,o] = sum_{n,i,j} x[n, i*s - pt + p*d, ...] dy[n,i,j,o].
 * Read with c as the batch axis, n as the input channel and dy as the filter, that is itself a
 * convolution: x' = x^T [c,H,W,n] convolved with dy' [oh,ow,n,o], stride d, dilation s,
 * padding pt at the top, giving [c,kh,kw,o]. One call to wasm's (XNNPACK) Conv2D does the
 * whole reduction; it handles every stride, dilation, padding and odd size, including the
 * transposed-conv case (tfjs' gradient of Conv2DBackpropInput passes the output gradient as x).
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations } = attrs as unknown as
    tf.Conv2DBackpropFilterAttrs & { dilations?: [number, number] | number };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got dataFormat '${dataFormat}'`);
  }
  const calls = new WasmCalls(backend);
  // Rows of x the forward conv reads: (kh-1)*d + (oh-1)*s + 1 starting at -pt; the rest of
  // the bottom is padding (positive) or rows no output touched (negative, cropped away).
  const bottom = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1 -
    info.inHeight - info.padInfo.top;
  const right = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1 -
    info.inWidth - info.padInfo.left;
  const fitted = calls.cropNegative(x, [info.padInfo.top, bottom, info.padInfo.left, right]);
  const xT = calls.transpose(fitted.x, [3, 1, 2, 0]);
  const dyT = calls.transpose(dy, [1, 2, 0, 3]);
  const dW = calls.run('Conv2D', { x: xT, filter: dyT }, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: fitted.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap);
  return calls.finish(calls.transpose(dW, [1, 2, 0, 3]));
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
