import * as tf from '@tensorflow/tfjs';
import { type ConvAxis, padAfter } from './conv-axes.ts';
import { convNd } from './conv-nd.ts';
import { WasmCalls } from './wasm-calls.ts';

/**
 * dW of a channels-last 2D or 3D convolution, as one convolution.
 *
 * Per spatial axis the forward conv is y[i] = sum_p x[i*s - pb + p*d] W[p], so
 * dW[p,c,o] = sum_{n,i} x[n, i*s - pb + p*d, c] dy[n,i,o]. Read with c as the batch axis,
 * n as the input channel and dy as the filter, that is itself a convolution:
 * x^T [c,..,n] convolved with dy^T [..,n,o], stride d, dilation s, padded pb before, which
 * yields [c, k.., o]. wasm's Conv2D (XNNPACK) or Conv3D does the whole reduction in one
 * call; every stride, dilation, padding and odd size is covered, including the
 * transposed-conv case (tfjs' gradient of Conv2DBackpropInput passes its output gradient as x).
 */
export function filterGradient(calls: WasmCalls, x: tf.TensorInfo, dy: tf.TensorInfo, axes: ConvAxis[]): tf.TensorInfo {
  const rank = axes.length;
  const spatial = axes.map((_, i) => i + 1);
  const xT = calls.transpose(x, [rank + 1, ...spatial, 0]);
  const dyT = calls.transpose(dy, [...spatial, 0, rank + 1]);
  const dW = convNd(
    calls,
    xT,
    dyT,
    axes.map((a): [number, number] => [a.padBefore, padAfter(a)]),
    axes.map((a) => a.dilation),
    axes.map((a) => a.stride),
  );
  return calls.transpose(dW, [...spatial, 0, rank + 1]);
}
