import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm used here (it does not export the type's shape). */
export type WasmBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
};

/** What tfjs hands a kernel function; the backend is wasm's. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/**
 * Runs wasm kernels from inside another wasm kernel. The calls go straight to the
 * registered kernel functions, not through the engine, so nothing is taped or tracked;
 * every intermediate is remembered and released by `finish`, which is why a kernel
 * built from these calls leaks nothing.
 */
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

  /** A float32 tensor's values on the wasm heap (valid until the next allocation). */
  view(x: tf.TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(x) as Float32Array;
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
   * Crops the spatial axes (1..rank-2) of a channels-last tensor where `pads` is negative, with
   * Slice, and returns the remaining non-negative pads for the convolution to apply (Conv2D
   * takes explicit padding for free).
   */
  cropNegative(x: tf.TensorInfo, pads: [number, number][]): { x: tf.TensorInfo; pads: [number, number][] } {
    const cut = (n: number) => Math.max(-n, 0);
    const keep = (n: number) => Math.max(n, 0);
    const rest = pads.map(([before, after]): [number, number] => [keep(before), keep(after)]);
    if (pads.every(([before, after]) => cut(before) + cut(after) === 0)) return { x, pads: rest };
    const last = x.shape.length - 1;
    const begin = [0, ...pads.map(([before]) => cut(before)), 0];
    const size = x.shape.map((n, axis) =>
      axis === 0 || axis === last ? n : n - cut(pads[axis - 1][0]) - cut(pads[axis - 1][1]));
    return { x: this.run('Slice', { x }, { begin, size }), pads: rest };
  }

  /** Zero padding of the spatial axes; `pads` must be non-negative. */
  pad(x: tf.TensorInfo, pads: [number, number][]): tf.TensorInfo {
    if (pads.every(([before, after]) => before === 0 && after === 0)) return x;
    return this.run('PadV2', { x }, { paddings: [[0, 0], ...pads, [0, 0]], constantValue: 0 });
  }

  /** Kernels such as AddN and Concat take their inputs as a list. */
  runOnList(kernelName: string, inputs: tf.TensorInfo[], attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    return this.run(kernelName, inputs as unknown as tf.NamedTensorInfoMap, attrs);
  }

  /**
   * The depth planes start, start+stride, .. (count of them) of a 5D channels-last tensor,
   * stacked into the batch axis: [n*count, h, w, c]. That turns a 3D conv's depth tap into
   * one 2D conv over many images, which XNNPACK runs fast.
   */
  depthPlanes(x: tf.TensorInfo, start: number, count: number, stride: number): tf.TensorInfo {
    const [n, , h, w, c] = x.shape;
    // Stride 1 goes to Slice (ours); wasm's StridedSlice would send it to its own rank-5 Slice, which is slow.
    const planes = stride === 1
      ? this.run('Slice', { x }, { begin: [0, start, 0, 0, 0], size: [n, count, h, w, c] })
      : this.run('StridedSlice', { x }, {
        begin: [0, start, 0, 0, 0],
        end: [n, start + (count - 1) * stride + 1, h, w, c],
        strides: [1, stride, 1, 1, 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      });
    return this.reshape(planes, [n * count, h, w, c]);
  }

  /** Releases every intermediate except `result`, which the engine takes over. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}
