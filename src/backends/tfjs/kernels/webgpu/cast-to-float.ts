// Cast of int32 and bool to float32 on webgpu: tfjs-backend-webgpu 4.22 only relabels the
// tensor (the buffer still holds i32 values, its storage dtype stays int32). A later
// kernel that picks its shader from the storage dtype and its output from the label, such
// as the Transpose inside every reduction over outer axes (a one-hot label map summed in a
// loss), is then refused by current WGSL compilers ("type mismatch ... expected 'f32', got
// 'i32'"): the command buffer is dropped and the result is garbage. Convert for real, with
// one elementwise shader whose input getter converts i32 to f32.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface ProgramBackend {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
}

interface WebGpuUtil {
  flatDispatchLayout(shape: number[]): { x: number[] };
  computeDispatch(layout: { x: number[] }, shape: number[], workgroupSize: [number, number, number]): [number, number, number];
}

/** A tfjs WebGPUProgram: output[i] = f32(A[i]). */
function toFloatProgram(shape: number[], util: WebGpuUtil) {
  const workgroupSize: [number, number, number] = [128, 1, 1];
  const dispatchLayout = util.flatDispatchLayout(shape);
  return {
    variableNames: ['A'],
    outputShape: shape,
    shaderKey: 'unet_to_float',
    size: true,
    workgroupSize,
    dispatchLayout,
    dispatch: util.computeDispatch(dispatchLayout, shape, workgroupSize),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, getAByOutputIndex(index));
        }
      }`,
  };
}

export function realFloatCast(cast: KernelFunc, util: WebGpuUtil): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const to = (attrs as { dtype: tf.DataType }).dtype;
    if (to !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool')) return cast({ inputs, backend, attrs });
    return (backend as unknown as ProgramBackend).runWebGPUProgram(toFloatProgram(x.shape, util), [x], 'float32');
  };
}
