import * as tf from '@tensorflow/tfjs';
// wasm's own kernels are captured below for what ours does not cover.
import '@tensorflow/tfjs-backend-wasm';
import { simdConv2d, simdConv2dSupports } from '../shared/simd-conv2d.ts';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

type ConvAttrs = tf.Conv2DAttrs & Partial<Pick<tf.FusedConv2DAttrs, 'activation'>>;

const tfjsKernels: Record<string, tf.KernelConfig> = {
  Conv2D: tf.getKernel('Conv2D', 'wasm')!,
  FusedConv2D: tf.getKernel('FusedConv2D', 'wasm')!,
};

/**
 * Conv2D and FusedConv2D (conv + bias + activation) with our SIMD kernel (simd-conv2d.ts)
 * when it applies: channels-last, output channels in fours, no activation or ReLU, and
 * sizes the kernel's floor division reproduces. Anything else (PReLU, leaky ReLU, a
 * one-class head, NCHW, 'ceil' rounding) goes to wasm's own XNNPACK kernel, which these
 * replace.
 */
function conv2d(kernelName: string) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const a = attrs as unknown as ConvAttrs;
    const activation = a.activation ?? 'linear';
    if (a.dataFormat === 'NCHW' || preluActivationWeights || (activation !== 'linear' && activation !== 'relu') || !simdConv2dSupports(filter!)) {
      return fallback(kernelName, args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number],
      a.strides, a.dilations, a.pad, a.dimRoundingMode,
    );
    const { top, bottom, left, right } = info.padInfo;
    const reach = (size: number, pad: number, k: number, d: number, s: number) => Math.floor((size + pad - (k - 1) * d - 1) / s) + 1;
    if (reach(info.inHeight, top + bottom, info.filterHeight, info.dilationHeight, info.strideHeight) !== info.outHeight ||
      reach(info.inWidth, left + right, info.filterWidth, info.dilationWidth, info.strideWidth) !== info.outWidth) {
      return fallback(kernelName, args);
    }
    const calls = new WasmCalls(backend);
    return calls.finish(simdConv2d(
      calls, x!, filter!, [[top, bottom], [left, right]],
      [info.strideHeight, info.strideWidth], [info.dilationHeight, info.dilationWidth],
      { bias: bias ?? null, relu: activation === 'relu' },
    ));
  };
}

function fallback(kernelName: string, args: KernelArgs): tf.TensorInfo {
  return tfjsKernels[kernelName].kernelFunc(args as never) as tf.TensorInfo;
}

export const conv2DConfig: tf.KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: conv2d('Conv2D') as unknown as tf.KernelFunc,
};

export const fusedConv2DConfig: tf.KernelConfig = {
  kernelName: 'FusedConv2D',
  backendName: 'wasm',
  kernelFunc: conv2d('FusedConv2D') as unknown as tf.KernelFunc,
};
