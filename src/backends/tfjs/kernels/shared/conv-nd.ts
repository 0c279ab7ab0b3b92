import * as tf from '@tensorflow/tfjs';
import { simdConv2d, simdConv2dSupports } from './simd-conv2d.ts';
import { WasmCalls } from './wasm-calls.ts';

/**
 * A channels-last 2D or 3D convolution on wasm with per-axis padding that may be negative
 * (a crop). 2D runs our SIMD kernel when the output channels come in fours, else wasm's
 * Conv2D (XNNPACK), which takes explicit pads; tfjs' Conv3D only takes 'same' | 'valid', so
 * 3D pads are applied with PadV2 first.
 */
export function convNd(
  calls: WasmCalls,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: [number, number][],
  strides: number[],
  dilations: number[],
): tf.TensorInfo {
  const fitted = calls.cropNegative(x, pads);
  if (pads.length === 2) {
    if (simdConv2dSupports(filter)) return simdConv2d(calls, fitted.x, filter, fitted.pads, strides, dilations);
    return calls.run('Conv2D', { x: fitted.x, filter }, {
      strides, dilations, pad: [[0, 0], ...fitted.pads, [0, 0]], dataFormat: 'NHWC',
    } as unknown as tf.NamedAttrMap);
  }
  return calls.run('Conv3D', { x: calls.pad(fitted.x, fitted.pads), filter }, {
    strides, dilations, pad: 'valid', dataFormat: 'NDHWC',
  });
}
