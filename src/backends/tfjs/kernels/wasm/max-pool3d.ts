import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

/**
 * MaxPool3D and its gradient for wasm. tfjs-backend-wasm 4.22's own MaxPool3D returns wrong
 * values once there are several channels (0.32 max abs error against cpu on a 2x8x10x6x16
 * input), and so does its MaxPool3DGrad; a 3D U-Net pools every level. These are plain
 * loops over the wasm heap (NDHWC), following tfjs-core's computePool3DInfo for sizes and
 * padding, so any filter, stride, dilation and padding tfjs accepts works.
 */
interface PoolAttrs {
  filterSize: number | [number, number, number];
  strides: number | [number, number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NDHWC' | 'NCDHW';
}

function poolInfo(shape: number[], attrs: PoolAttrs) {
  return tf.backend_util.computePool3DInfo(shape as [number, number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, 'NDHWC');
}

/**
 * Calls visit(o, i) for each output position o and the flat input index i of the maximum of
 * its window (the first maximum, as tfjs' cpu kernel picks it). Indices are NDHWC.
 */
function forEachMax(x: Float32Array, info: tf.backend_util.Conv3DInfo, visit: (o: number, i: number, max: number) => void): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels, outDepth, outHeight, outWidth } = info;
  const { strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth } = info;
  const { front, top, left } = info.padInfo;
  let o = 0;
  for (let b = 0; b < batchSize; b++)
    for (let od = 0; od < outDepth; od++)
      for (let oh = 0; oh < outHeight; oh++)
        for (let ow = 0; ow < outWidth; ow++)
          for (let c = 0; c < inChannels; c++, o++) {
            let max = -Infinity;
            let at = -1;
            for (let fd = 0; fd < filterDepth; fd++) {
              const d = od * strideDepth - front + fd;
              if (d < 0 || d >= inDepth) continue;
              for (let fh = 0; fh < filterHeight; fh++) {
                const h = oh * strideHeight - top + fh;
                if (h < 0 || h >= inHeight) continue;
                for (let fw = 0; fw < filterWidth; fw++) {
                  const w = ow * strideWidth - left + fw;
                  if (w < 0 || w >= inWidth) continue;
                  const i = (((b * inDepth + d) * inHeight + h) * inWidth + w) * inChannels + c;
                  if (x[i]! > max) [max, at] = [x[i]!, i];
                }
              }
            }
            visit(o, at, max);
          }
}

function maxPool3D({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const wasm = backend as WasmBackend;
  const info = poolInfo(x.shape, attrs as unknown as PoolAttrs);
  const out = wasm.makeOutput(info.outShape, x.dtype);
  // Views are taken after allocating the output: allocation may grow (and move) the heap.
  const src = wasm.typedArrayFromHeap(x) as Float32Array;
  const dst = wasm.typedArrayFromHeap(out) as Float32Array;
  forEachMax(src, info, (o, _, max) => (dst[o] = max));
  return out;
}

/** dx: each output's gradient goes to the position of its window's maximum. */
function maxPool3DGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const wasm = backend as WasmBackend;
  const info = poolInfo(input.shape, attrs as unknown as PoolAttrs);
  const out = wasm.makeOutput(input.shape, input.dtype);
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  forEachMax(x, info, (o, i) => {
    if (i >= 0) dx[i] += g[o]!;
  });
  return out;
}

export const maxPool3DConfig: tf.KernelConfig = {
  kernelName: 'MaxPool3D',
  backendName: 'wasm',
  kernelFunc: maxPool3D as unknown as tf.KernelFunc,
};

export const maxPool3DGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPool3DGrad',
  backendName: 'wasm',
  kernelFunc: maxPool3DGrad as unknown as tf.KernelFunc,
};
