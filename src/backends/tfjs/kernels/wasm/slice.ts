import * as tf from '@tensorflow/tfjs';
// wasm's own kernels are captured below as the fallback for string tensors.
import '@tensorflow/tfjs-backend-wasm';
import { splitByRuns } from './concat-split.ts';
import { copyRuns } from '../shared/heap-copy.ts';
import { simdKernelsEnabled } from '../simd/module.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

const tfjsSlice = tf.getKernel('Slice', 'wasm')!;
const tfjsSplitV = tf.getKernel('SplitV', 'wasm')!;

/**
 * Slice and SplitV for wasm as run copies on the heap. wasm's own Slice has loops for rank
 * 2 to 4 only and computes an index per element beyond that; its SplitV calls that Slice
 * directly. The gradient of a channel concat (every U-Net skip) is a SplitV, so a 3D U-Net
 * step spent 1.4 s of 3.4 s there.
 *
 * The innermost axes a slice takes whole, together with the axis before them, form one
 * contiguous run per combination of the outer indices.
 */
export function sliceOnHeap(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views are taken after allocating the output: allocation may grow (and move) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  // tfjs slices only tensors of rank >= 1.
  const strides = tf.util.computeStrides(x.shape).concat(1);
  let inner = x.shape.length - 1;
  while (inner > 0 && size[inner] === x.shape[inner]) inner--;
  const base = begin.reduce((sum, b, axis) => sum + b * strides[axis], 0);
  copyRuns(src, dst, size.slice(0, inner), strides.slice(0, inner), base, size[inner] * strides[inner]);
  return out;
}

function slice(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return tfjsSlice.kernelFunc(args as never) as tf.TensorInfo;
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  return sliceOnHeap(args.backend as WasmBackend, x, begin_, size_);
}

function splitV(args: KernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return tfjsSplitV.kernelFunc(args as never) as tf.TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  if (x.dtype === 'float32' && simdKernelsEnabled()) return splitByRuns(args.backend as WasmBackend, x, sizes, $axis);
  let offset = 0;
  return sizes.map((n) => {
    const begin = x.shape.map((_, i) => (i === $axis ? offset : 0));
    offset += n;
    return sliceOnHeap(args.backend as WasmBackend, x, begin, x.shape.map((s, i) => (i === $axis ? n : s)));
  });
}

export const sliceConfig: tf.KernelConfig = {
  kernelName: 'Slice',
  backendName: 'wasm',
  kernelFunc: slice as unknown as tf.KernelFunc,
};

export const splitVConfig: tf.KernelConfig = {
  kernelName: 'SplitV',
  backendName: 'wasm',
  kernelFunc: splitV as unknown as tf.KernelFunc,
};
