// Batch normalisation of 5D (NDHWC) tensors. tfjs-layers' BatchNormalization throws
// "batchNormalization is not implemented for array of rank 5 yet" (tfjs-layers
// normalization.ts). Batch norm over the last axis does not care how the other axes are
// laid out, so this subclass folds D and H into one axis, runs the stock layer (moving
// statistics, momentum and training behaviour included) and unfolds the result.
import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './batch-norm.ts';

export class BatchNorm3D extends BatchNorm {
  static className = 'UnetBatchNorm3D';

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [n, d, h, w, c] = x.shape;
      const y = super.call(x.reshape([n, d * h, w, c]), kwargs) as tf.Tensor;
      return y.reshape(x.shape);
    });
  }
}

tf.serialization.registerClass(BatchNorm3D);
