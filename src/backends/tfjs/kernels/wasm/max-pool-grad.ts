import * as tf from '@tensorflow/tfjs';
// wasm's own kernel is captured below for what ours does not cover.
import '@tensorflow/tfjs-backend-wasm';
import { SimdModule, simdKernelsEnabled } from '../simd/module.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

interface MaxPoolGradExports {
  [name: string]: unknown;
  maxPoolGrad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
}

const simd = new SimdModule<MaxPoolGradExports>('max-pool-grad.wasm');
const tfjsMaxPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm')!;

/**
 * MaxPoolGrad with our SIMD kernel (simd/max-pool-grad.as.ts). wasm's own is wrong with
 * several channels: it drops gradients (a 1x4x4x4 input: 15 of 16 land, one 3 becomes 0)
 * and disagrees with cpu on every multi-channel case of kernels.test.ts; it also took 19
 * ms of a U-Net step at batch 2 in bench/train-step.ts. Ties
 * go to the first maximum in window order, as on tfjs' cpu engine. UNET_WASM_SIMD=0 puts
 * wasm's own back, as for every SIMD kernel.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const [n, h, w, c] = input.shape;
  if (input.dtype !== 'float32' || !simdKernelsEnabled()) return tfjsMaxPoolGrad.kernelFunc(args as never) as tf.TensorInfo;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = args.backend as WasmBackend;
  const [, oh, ow] = dy.shape;
  const size = n * h * w * c;
  const { offsets: [xAt, dyAt, dxAt], views: [xIn, dyIn, dxOut] } = simd.arrays([size, n * oh * ow * c, size]);
  xIn.set(wasm.typedArrayFromHeap(input) as Float32Array);
  dyIn.set(wasm.typedArrayFromHeap(dy) as Float32Array);
  simd.exports.maxPoolGrad(xAt, dyAt, dxAt, n, h, w, c, oh, ow, info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
  const dx = wasm.makeOutput(input.shape, 'float32');
  (wasm.typedArrayFromHeap(dx) as Float32Array).set(dxOut);
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
