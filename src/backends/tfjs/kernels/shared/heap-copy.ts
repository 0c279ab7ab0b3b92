type Heap = Float32Array | Int32Array | Uint8Array;

/**
 * Fills `dst` in order with runs of `run` contiguous source elements: run j starts at
 * base + sum_k index_k * strides[k], index being j written in the mixed radix `outer`
 * (last axis fastest). Slice and Transpose (when the innermost axis stays innermost) are
 * both this copy.
 */
export function copyRuns(src: Heap, dst: Heap, outer: number[], strides: number[], base: number, run: number): void {
  const index = new Array<number>(outer.length).fill(0);
  for (let to = 0; to < dst.length; to += run) {
    let from = base;
    for (let axis = 0; axis < outer.length; axis++) from += index[axis] * strides[axis];
    // Short runs (one channel vector) are cheaper as a loop than as a subarray + set.
    if (run < 64) for (let i = 0; i < run; i++) dst[to + i] = src[from + i];
    else dst.set(src.subarray(from, from + run), to);
    for (let axis = outer.length - 1; axis >= 0 && ++index[axis] === outer[axis]; axis--) index[axis] = 0;
  }
}
