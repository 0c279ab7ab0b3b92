import * as tf from '@tensorflow/tfjs';
import { WasmCalls } from './wasm-calls.ts';

type Info = tf.backend_util.Conv2DInfo;

/**
 * dx for a 2D convolution (NHWC); also the forward pass of conv2dTranspose. Replaces
 * wasm's own kernel, a plain loop about 10x slower than its XNNPACK Conv2D.
 *
 * From y[i] = sum_p x[i*s - pt + p] W[p] (per spatial axis), dx[h] = sum_p dy_s[h + pt - p] W[p],
 * where dy_s is dy with s-1 zeros after every element (dy_s[i*s] = dy[i]). Substituting
 * p' = kh-1-p makes that a stride-1 correlation of dy_s with the filter flipped in space and
 * with its in/out channel axes swapped, padded kh-1-pt at the top. Two shapes are faster:
 *  - kernel == stride, no leading padding (the 2x2 stride-2 up-conv of U-Nets): each dy pixel
 *    writes its own s x s block, so dx is one matrix product dy [M,co] x W^T [co, kh*kw*ci];
 *  - stride 1: no zeros to insert.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropInput supports NHWC only, got dataFormat '${dataFormat}'`);
  }
  const calls = new WasmCalls(backend);
  const blockwise = info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth &&
    info.padInfo.top === 0 && info.padInfo.left === 0;
  return calls.finish(blockwise ? byBlocks(calls, dy, filter, info) : byConvolution(calls, dy, filter, info));
}

/** kernel == stride: dx block (i,j) = W[:,:,:,o] weighted by dy[n,i,j,o], summed over o. */
function byBlocks(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, info: Info): tf.TensorInfo {
  const [n, oh, ow, co] = dy.shape;
  const [kh, kw, ci] = [info.filterHeight, info.filterWidth, info.inChannels];
  const blocks = calls.run('BatchMatMul', {
    a: calls.reshape(dy, [1, n * oh * ow, co]),
    b: calls.reshape(filter, [1, kh * kw * ci, co]),
  }, { transposeA: false, transposeB: true });
  const rows = calls.transpose(calls.reshape(blocks, [n, oh, ow, kh, kw, ci]), [0, 1, 3, 2, 4, 5]);
  const dense = calls.reshape(rows, [n, oh * kh, ow * kw, ci]);
  // Input rows past the last block (valid padding, size not a multiple of the stride) got no
  // gradient: pad them with zeros; rows the forward pass padded on (same): crop them.
  const bottom = info.inHeight - oh * kh;
  const right = info.inWidth - ow * kw;
  const fitted = calls.cropNegative(dense, [0, bottom, 0, right]);
  if (bottom <= 0 && right <= 0) return fitted.x;
  return calls.run('PadV2', { x: fitted.x }, { paddings: fitted.pad, constantValue: 0 });
}

/** General case: stride-1 correlation of the zero-stuffed dy with the flipped, transposed filter. */
function byConvolution(calls: WasmCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, info: Info): tf.TensorInfo {
  const [n, oh, ow, co] = dy.shape;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const stuffed = sh === 1 && sw === 1 ? dy : calls.reshape(
    calls.run('PadV2', { x: calls.reshape(dy, [n, oh, 1, ow, 1, co]) }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    }),
    [n, oh * sh, ow * sw, co],
  );
  const flipped = flipAndSwapChannels(calls, filter);
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  // The correlation must yield exactly inHeight rows: top + rows + bottom = inHeight + kh - 1.
  const bottom = info.inHeight + info.filterHeight - 1 - oh * sh - top;
  const right = info.inWidth + info.filterWidth - 1 - ow * sw - left;
  const fitted = calls.cropNegative(stuffed, [top, bottom, left, right]);
  return calls.run('Conv2D', { x: fitted.x, filter: flipped }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: fitted.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap);
}

/**
 * F[p,q,o,c] = W[kh-1-p, kw-1-q, c, o] in one pass over the heap; wasm's Reverse kernel
 * takes about 65 ns per element (38 ms for a 3x3x256x256 filter, more than the conv).
 */
function flipAndSwapChannels(calls: WasmCalls, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  return calls.compute(filter, [kh, kw, co, ci], (w, f) => {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const from = ((kh - 1 - p) * kw + (kw - 1 - q)) * ci * co;
        const to = (p * kw + q) * co * ci;
        for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) f[to + o * ci + c] = w[from + c * co + o];
      }
    }
  });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
