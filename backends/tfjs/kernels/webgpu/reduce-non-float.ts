// Reductions of bool and int32 tensors on webgpu: tfjs-backend-webgpu 4.22's reductions
// over outer axes transpose their input first by calling its transpose function directly
// (not through the kernel registry), and that shader fails to compile for those dtypes
// (transpose-non-float.ts). Reduce them as float32 (exact for 0/1 and integers below 2^24)
// and cast the result to the dtype tfjs expects.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** The output dtype of each reduction for a non-float input (tfjs-core's rules). */
const OUTPUT: Record<string, (x: tf.DataType) => tf.DataType> = {
  Sum: (x) => (x === 'bool' ? 'int32' : x),
  Prod: (x) => (x === 'bool' ? 'int32' : x),
  Max: (x) => x,
  Min: (x) => x,
  All: () => 'bool',
  Any: () => 'bool',
};

export const REDUCTIONS = Object.keys(OUTPUT);

export function nonFloatAsFloatReduce(name: string, reduce: KernelFunc, cast: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype !== 'int32' && x.dtype !== 'bool') return reduce({ inputs, backend, attrs });
    const dispose = (t: tf.TensorInfo) => (backend as tf.KernelBackend).disposeData(t.dataId);
    const asFloat = cast({ inputs: { x }, backend, attrs: { dtype: 'float32' } }) as tf.TensorInfo;
    const reduced = reduce({ inputs: { x: asFloat }, backend, attrs }) as tf.TensorInfo;
    const result = cast({ inputs: { x: reduced }, backend, attrs: { dtype: OUTPUT[name](x.dtype) } }) as tf.TensorInfo;
    [asFloat, reduced].forEach(dispose);
    return result;
  };
}
