import * as tf from '@tensorflow/tfjs';
import { WasmCalls } from './wasm-calls.ts';

/**
 * A channels-last 2D or 3D convolution on wasm with per-axis padding that may be negative
 * (a crop). Conv2D takes explicit pads; tfjs' Conv3D only takes 'same' | 'valid', so 3D
 * pads are applied with PadV2 first.
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
    return calls.run('Conv2D', { x: fitted.x, filter }, {
      strides, dilations, pad: [[0, 0], ...fitted.pads, [0, 0]], dataFormat: 'NHWC',
    } as unknown as tf.NamedAttrMap);
  }
  return calls.run('Conv3D', { x: calls.pad(fitted.x, fitted.pads), filter }, {
    strides, dilations, pad: 'valid', dataFormat: 'NDHWC',
  });
}
