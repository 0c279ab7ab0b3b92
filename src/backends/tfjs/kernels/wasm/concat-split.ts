import * as tf from '@tensorflow/tfjs';
// wasm's own Concat is captured below for what ours does not cover.
import '@tensorflow/tfjs-backend-wasm';
import { SimdModule, simdKernelsEnabled } from '../simd/module.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

interface CopyExports {
  [name: string]: unknown;
  copyRuns(src: number, dst: number, count: number, runBytes: number, srcStride: number, dstStride: number): void;
}

const simd = new SimdModule<CopyExports>('copy.wasm');
const tfjsConcat = tf.getKernel('Concat', 'wasm')!;

const product = (values: number[]) => values.reduce((a, b) => a * b, 1);

/**
 * float32 tensors side by side along `axis` (Concat), or apart (SplitV, the gradient of a
 * skip concat): seen as `outer` rows, each part owns a run of its `inner` values in every
 * row of the whole, so either direction is one strided run copy per part
 * (simd/copy.as.ts) between the whole and the part.
 */
function byRuns(backend: WasmBackend, whole: number[], parts: number[][], axis: number, toWhole: boolean, wholeData: tf.TensorInfo | null, partData: tf.TensorInfo[]): tf.TensorInfo[] {
  const outer = product(whole.slice(0, axis));
  const inners = parts.map((shape) => product(shape.slice(axis)));
  const row = inners.reduce((a, b) => a + b, 0);
  const { offsets, views } = simd.arrays([outer * row, ...inners.map((inner) => outer * inner)]);
  if (toWhole) partData.forEach((t, i) => views[1 + i].set(backend.typedArrayFromHeap(t) as Float32Array));
  else views[0].set(backend.typedArrayFromHeap(wholeData!) as Float32Array);
  let at = 0;
  inners.forEach((inner, i) => {
    const [wholeRun, part] = [offsets[0] + at * 4, offsets[1 + i]];
    if (toWhole) simd.exports.copyRuns(part, wholeRun, outer, inner * 4, inner * 4, row * 4);
    else simd.exports.copyRuns(wholeRun, part, outer, inner * 4, row * 4, inner * 4);
    at += inner;
  });
  const shapes = toWhole ? [whole] : parts;
  return shapes.map((shape, i) => {
    const out = backend.makeOutput(shape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(views[toWhole ? 0 : 1 + i]);
    return out;
  });
}

/** Concat of float32 tensors with our run copies; other dtypes (and UNET_WASM_SIMD=0) go to wasm's own. */
function concat(args: KernelArgs): tf.TensorInfo {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  if (!simdKernelsEnabled() || inputs.some((t) => t.dtype !== 'float32')) return tfjsConcat.kernelFunc(args as never) as tf.TensorInfo;
  const { axis } = args.attrs as unknown as tf.ConcatAttrs;
  const $axis = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
  const whole = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), $axis);
  return byRuns(args.backend as WasmBackend, whole, inputs.map((t) => t.shape), $axis, true, null, inputs)[0];
}

/** SplitV of a float32 tensor into parts of the given sizes along axis. */
export function splitByRuns(backend: WasmBackend, x: tf.TensorInfo, sizes: number[], axis: number): tf.TensorInfo[] {
  const parts = sizes.map((n) => x.shape.map((s, i) => (i === axis ? n : s)));
  return byRuns(backend, x.shape, parts, axis, false, x, []);
}

export const concatConfig: tf.KernelConfig = {
  kernelName: 'Concat',
  backendName: 'wasm',
  kernelFunc: concat as unknown as tf.KernelFunc,
};
