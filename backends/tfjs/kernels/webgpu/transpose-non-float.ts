// Transpose of bool tensors on webgpu: tfjs-backend-webgpu 4.22 stores bool as i32 but
// writes the output through an f32 setter, which current WGSL compilers (Dawn) refuse
// ("type mismatch for argument 2 in call to 'setOutputAtIndex', expected 'f32', got
// 'i32'"): the pipeline is invalid, the command buffer is dropped and the result is
// garbage. Reductions transpose their input first (a Sum of a mask over outer axes).
// Transpose such tensors as float32 (exact for 0/1 and integers below 2^24) and cast back;
// int32 goes the same way, as its setter is the same code path.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

export function nonFloatAsFloatTranspose(transpose: KernelFunc, cast: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype !== 'int32' && x.dtype !== 'bool') return transpose({ inputs, backend, attrs });
    const dispose = (t: tf.TensorInfo) => (backend as tf.KernelBackend).disposeData(t.dataId);
    const asFloat = cast({ inputs: { x }, backend, attrs: { dtype: 'float32' } }) as tf.TensorInfo;
    const moved = transpose({ inputs: { x: asFloat }, backend, attrs }) as tf.TensorInfo;
    const result = cast({ inputs: { x: moved }, backend, attrs: { dtype: x.dtype } }) as tf.TensorInfo;
    [asFloat, moved].forEach(dispose);
    return result;
  };
}
