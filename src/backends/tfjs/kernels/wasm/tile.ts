import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

/**
 * Tile for wasm, written as block copies on the wasm heap. tfjs' batch-norm gradient tiles
 * 1/sqrt(var+eps) from [1,1,1,C] to the full activation shape; wasm's own Tile computes an
 * index per element (about 40 ns each, 0.3 s of a U-Net training step), while the output
 * of a tile is just its first block repeated: out[.., r*s_k + i, ..] = x[.., i, ..] along
 * every axis k. So each axis writes its first block once and doubles it with copyWithin
 * (a memmove), innermost axis first.
 */
function tile({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const { reps } = attrs as unknown as tf.TileAttrs;
  const wasm = backend as WasmBackend;
  const outShape = x.shape.map((size, axis) => size * reps[axis]);
  const out = wasm.makeOutput(outShape, x.dtype);
  // Views are taken after allocating the output: allocation may grow (and move) the heap.
  const src = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  if (x.shape.length === 0) {
    dst.set(src);
    return out;
  }
  const srcStrides = rowMajorStrides(x.shape);
  const dstStrides = rowMajorStrides(outShape);
  const last = x.shape.length - 1;

  const fill = (axis: number, from: number, to: number): void => {
    const size = x.shape[axis];
    if (axis === last) {
      // Rows here are short (often one channel vector): a plain loop beats copy calls.
      for (let r = 0; r < reps[axis]; r++) for (let i = 0; i < size; i++) dst[to + r * size + i] = src[from + i];
      return;
    }
    for (let i = 0; i < size; i++) fill(axis + 1, from + i * srcStrides[axis], to + i * dstStrides[axis]);
    repeat(dst, to, size * dstStrides[axis], reps[axis]);
  };
  fill(0, 0, 0);
  return out;
}

/** Copies a[start, start+len) to the next times-1 slots, doubling the copied span each time. */
function repeat(a: Float32Array | Int32Array | Uint8Array, start: number, len: number, times: number): void {
  for (let have = 1; have < times; ) {
    const n = Math.min(have, times - have);
    a.copyWithin(start + have * len, start, start + n * len);
    have += n;
  }
}

function rowMajorStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * shape[axis + 1];
  return strides;
}

export const tileConfig: tf.KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tile as unknown as tf.KernelFunc,
};
