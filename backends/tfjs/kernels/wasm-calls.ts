import * as tf from '@tensorflow/tfjs';

/**
 * Runs wasm kernels from inside another wasm kernel. The calls go straight to the
 * registered kernel functions, not through the engine, so nothing is taped or tracked;
 * every intermediate is remembered and released by `finish`, which is why a kernel
 * built from these calls leaks nothing.
 */
/** The parts of tfjs-backend-wasm's BackendWasm used here (it does not export the type's shape). */
export type WasmBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
};

export class WasmCalls {
  private readonly temps: tf.TensorInfo[] = [];
  private readonly backend: WasmBackend;

  constructor(backend: tf.KernelBackend) {
    this.backend = backend as WasmBackend;
  }

  /** A new float32 tensor on the wasm heap, filled by `fill(source view, target view)`. */
  compute(x: tf.TensorInfo, shape: number[], fill: (from: Float32Array, to: Float32Array) => void): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temps.push(out);
    // Views are taken after allocating: allocation may grow (and move) the heap.
    fill(this.backend.typedArrayFromHeap(x) as Float32Array, this.backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  }

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config === undefined) throw new Error(`wasm backend has no kernel ${kernelName}`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs }) as tf.TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC
   * tensor. Crops are done here with Slice; pads are only returned, because Conv2D takes
   * explicit padding for free.
   */
  cropNegative(
    x: tf.TensorInfo,
    [top, bottom, left, right]: [number, number, number, number],
  ): { x: tf.TensorInfo; pad: [[0, 0], [number, number], [number, number], [0, 0]] } {
    const cut = (n: number) => Math.max(-n, 0);
    const [n, h, w, c] = x.shape;
    const size = [n, h - cut(top) - cut(bottom), w - cut(left) - cut(right), c];
    const cropped =
      cut(top) + cut(bottom) + cut(left) + cut(right) === 0
        ? x
        : this.run('Slice', { x }, { begin: [0, cut(top), cut(left), 0], size });
    const keep = (n: number) => Math.max(n, 0);
    return { x: cropped, pad: [[0, 0], [keep(top), keep(bottom)], [keep(left), keep(right)], [0, 0]] };
  }

  /** Releases every intermediate except `result`, which the engine takes over. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}
