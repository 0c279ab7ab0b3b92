import * as tf from '@tensorflow/tfjs';
import { type ConvAxis, padAfter } from './conv-axes.ts';
import { convNd } from './conv-nd.ts';
import { WasmCalls } from './wasm-calls.ts';

/**
 * dW of a channels-last 2D or 3D convolution.
 *
 * Per spatial axis the forward conv is y[i] = sum_p x[i*s - pb + p*d] W[p], so
 * dW[p,c,o] = sum_{n,i} x[n, i*s - pb + p*d, c] dy[n,i,o]. In 2D, read with c as the batch
 * axis, n as the input channel and dy as the filter, that is itself one convolution:
 * x^T [c,h,w,n] convolved with dy^T [oh,ow,n,o], stride d, dilation s, padded pb before,
 * which yields [c,kh,kw,o]; XNNPACK's Conv2D does the whole reduction. Every stride,
 * dilation, padding and odd size is covered, including the transposed-conv case (tfjs'
 * gradient of Conv2DBackpropInput passes its output gradient as x).
 *
 * In 3D, depth tap a only pairs dy's depth plane i with x's plane i*s - pf + a*d, so dW[a]
 * is the 2D dW over the n*outDepth plane pairs taken as one batch (which also keeps the
 * reduced "channel" axis of the 2D formula long when n is 1).
 */
export function filterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  if (axes.length === 2) return planeFilterGradient(calls, x, dy, axes);
  const [depth, ...plane] = axes;
  const [n, od, oh, ow, co] = dy.shape;
  const fitted = calls.cropNegative(x, [[depth.padBefore, padAfter(depth)], [0, 0], [0, 0]]);
  const padded = calls.pad(fitted.x, fitted.pads);
  const dyPlanes = calls.reshape(dy, [n * od, oh, ow, co]);
  const taps = Array.from({ length: depth.kernel }, (_, a) => {
    const xPlanes = calls.depthPlanes(padded, a * depth.dilation, od, depth.stride);
    const dW = planeFilterGradient(calls, xPlanes, dyPlanes, plane);
    return calls.reshape(dW, [1, ...dW.shape]);
  });
  return taps.length === 1 ? taps[0] : calls.runOnList('Concat', taps, { axis: 0 });
}

function planeFilterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const xT = calls.transpose(x, [3, 1, 2, 0]);
  const dyT = calls.transpose(dy, [1, 2, 0, 3]);
  const dW = convNd(
    calls,
    xT,
    dyT,
    axes.map((a): [number, number] => [a.padBefore, padAfter(a)]),
    axes.map((a) => a.dilation),
    axes.map((a) => a.stride),
  );
  return calls.transpose(dW, [1, 2, 0, 3]);
}
