// Global average pooling that keeps the spatial axes (size 1), as the IR's
// global_avg_pool (docs/ir.md), for 2D and 3D: tfjs' globalAveragePooling2d drops them
// and there is no globalAveragePooling3d.
import * as tf from '@tensorflow/tfjs';

export class SpatialMean extends tf.layers.Layer {
  static className = 'UnetSpatialMean';

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return shape.map((n, axis) => (axis === 0 || axis === shape.length - 1 ? n : 1));
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const spatialAxes = x.shape.slice(1, -1).map((_, i) => i + 1);
    return tf.mean(x, spatialAxes, true);
  }
}

tf.serialization.registerClass(SpatialMean);
