// Elementwise binary ops of a tensor of rank 5 or more with a 1-D one on webgpu:
// tfjs-backend-webgpu 4.22 then stages the 1-D operand in shared memory and indexes the
// output coordinates as `coords[rank - 1]`, which WGSL refuses for its 5-D coordinate
// struct ("cannot index type 'vec5'"): the pipeline is invalid and the result garbage.
// 3D networks meet it in batch norm (a [N, D, H, W, C] map times a [C] scale). Give the
// 1-D operand the other's rank ([1, 1, 1, 1, C], the same data), which takes the
// general path.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** The binary kernels that share that shader (binary_op_webgpu.ts) and a U-Net reaches. */
export const BINARY_KERNELS = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'Pow', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'];

export function rankMatchedBinary(binary: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const rank = Math.max(a.shape.length, b.shape.length);
    if (rank < 5 || (a.shape.length > 1 && b.shape.length > 1)) return binary({ inputs, backend, attrs });
    const lift = (t: tf.TensorInfo): tf.TensorInfo => (t.shape.length > 1 ? t : { ...t, shape: [...new Array(rank - Math.max(t.shape.length, 1)).fill(1), ...(t.shape.length === 0 ? [1] : t.shape)] });
    return binary({ inputs: { a: lift(a), b: lift(b) }, backend, attrs });
  };
}
