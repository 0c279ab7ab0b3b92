// AddN on webgpu: tfjs-backend-webgpu 4.22 binds every input as one storage buffer of a
// single shader, so more inputs than the device's maxStorageBuffersPerShaderStage (8 by
// default; the output takes one) make an invalid pipeline and a silent wrong result. A
// global-norm gradient clip sums one term per weight. Sum in chunks that fit instead.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

export function chunkedAddN(addN: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const device = (backend as unknown as { device: GPUDevice }).device;
    const fit = device.limits.maxStorageBuffersPerShaderStage - 1;
    const dispose = (t: tf.TensorInfo) => (backend as tf.KernelBackend).disposeData(t.dataId);
    // AddN's inputs are an array (tfjs-core's addN passes them so), not a named map.
    let terms = inputs as unknown as tf.TensorInfo[];
    const made: tf.TensorInfo[] = [];
    while (terms.length > fit) {
      const sums: tf.TensorInfo[] = [];
      for (let i = 0; i < terms.length; i += fit) {
        const sum = addN({ inputs: terms.slice(i, i + fit) as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
        sums.push(sum);
        made.push(sum);
      }
      terms = sums;
    }
    const result = addN({ inputs: terms as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
    made.filter((t) => t !== result).forEach(dispose);
    return result;
  };
}
