// Batch normalisation whose training step is two fused kernels on the wasm engine
// (kernels/batch-norm-train.ts) instead of the ~40 small kernels tfjs-core's op-by-op
// gradient of tfjs-layers' BatchNormalization costs there. Inference, the other engines
// and the unusual configurations (no centre or scale, another axis) run the stock layer
// unchanged. Registered under the stock class name, so saved models keep the standard
// topology (loadable by any tfjs) and load into this class here.
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../kernels/shared/kernel-names.ts';

type BatchNormalizationClass = (new (args: Parameters<typeof tf.layers.batchNormalization>[0]) => tf.layers.Layer) &
  Pick<typeof tf.layers.Layer, 'fromConfig'>;

// tfjs does not export the class itself; its serialization registry holds it by name.
const StockBatchNormalization = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization[0] as unknown as BatchNormalizationClass;

/** The stock layer's fields this class reads (they are public at run time). */
interface BatchNormFields {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/**
 * y = batchnorm(x) with its fused gradient. The batch mean and variance are handed to
 * `stats` inside the forward pass of the custom gradient, where tfjs records nothing on its
 * gradient tape: ops there save no tensors for a backward pass (tfjs clones every saved
 * tensor, an Identity kernel each).
 */
function fusedTrain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, stats: (mean: tf.Tensor, variance: tf.Tensor) => void): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: input, gamma: g, beta: b }, { epsilon }) as tf.Tensor[];
    save([input, g, mean, variance]);
    stats(mean, variance);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, gs, ms, vs] = saved;
        return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: dy as tf.Tensor, x: xs, gamma: gs, mean: ms, variance: vs }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor;
}

export class BatchNorm extends StockBatchNormalization {
  static className = 'BatchNormalization';

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as BatchNormFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fused =
      kwargs.training === true &&
      tf.getBackend() === 'wasm' &&
      tf.getKernel(BATCH_NORM_TRAIN, 'wasm') !== undefined &&
      x.dtype === 'float32' &&
      (self.axis === -1 || self.axis === x.rank - 1) &&
      self.center &&
      self.scale;
    if (!fused) return super.call(inputs, kwargs);
    return tf.tidy(() =>
      fusedTrain(x, self.gamma.read(), self.beta.read(), self.epsilon, (mean, variance) => {
        // The stock layer's moving averages: moving -= (moving - batch) * (1 - momentum).
        for (const [moving, value] of [[self.movingMean, mean], [self.movingVariance, variance]] as const) {
          const old = moving.read();
          moving.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - self.momentum)));
        }
      }),
    );
  }
}

tf.serialization.registerClass(BatchNorm);
