import * as tf from '@tensorflow/tfjs';
// wasm's own kernel is captured below for the transposes that move the innermost axis.
import '@tensorflow/tfjs-backend-wasm';
import { copyRuns } from '../shared/heap-copy.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

const tfjsTranspose = tf.getKernel('Transpose', 'wasm')!;

/**
 * Transpose for wasm when the innermost axis stays innermost: then the output is runs of
 * contiguous input (one channel vector each), copied on the heap. wasm's own kernel goes
 * element by element beyond rank 4 (139 ms for a 1M-element rank-6 transpose, the one that
 * interleaves the blocks of a stride-2 transposed conv); it keeps the other cases.
 */
function transpose(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { perm } = args.attrs as unknown as tf.TransposeAttrs;
  const [shape, order] = mergeAxes(x.shape, perm);
  const last = order.length - 1;
  if (x.dtype === 'string' || last < 1 || order[last] !== last) return tfjsTranspose.kernelFunc(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput(perm.map((axis) => x.shape[axis]), x.dtype);
  // Views are taken after allocating the output: allocation may grow (and move) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(shape).concat(1);
  const outer = order.slice(0, last);
  copyRuns(src, dst, outer.map((axis) => shape[axis]), outer.map((axis) => strides[axis]), 0, shape[last]);
  return out;
}

/**
 * The same transpose on fewer axes: unit axes dropped, and input axes that stay next to
 * each other in the output merged into one.
 */
function mergeAxes(shape: number[], perm: number[]): [number[], number[]] {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const group = groups.at(-1);
    // Axes between the two that were dropped (size 1) do not break adjacency.
    const adjacent = group !== undefined && shape.slice(group.at(-1)! + 1, axis).every((n) => n === 1) && axis > group.at(-1)!;
    if (adjacent) group.push(axis);
    else groups.push([axis]);
  }
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  const merged = byInput.map((group) => group.reduce((size, axis) => size * shape[axis], 1));
  return [merged, groups.map((group) => byInput.indexOf(group))];
}

export const transposeConfig: tf.KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transpose as unknown as tf.KernelFunc,
};
