// Pixel shuffle (depth-to-space, Shi et al. 2016) for 2D and 3D in DCR order, the order
// of tf.depthToSpace and ONNX DepthToSpace mode=DCR (docs/ir.md): output pixel offset
// (d, h, w) inside a block reads channel ((d*r + h)*r + w)*C + c. Written as reshape and
// transposes rather than tf.depthToSpace so that it also covers 3D and has gradients.
import * as tf from '@tensorflow/tfjs';

export interface PixelShuffleArgs {
  scale: number;
  name?: string;
}

export class PixelShuffle extends tf.layers.Layer {
  static className = 'UnetPixelShuffle';
  readonly scale: number;

  constructor(args: PixelShuffleArgs) {
    super(args);
    this.scale = args.scale;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dims = shape.length - 2;
    const spatial = shape.slice(1, -1).map((n) => (n === null ? null : n * this.scale));
    const channels = shape[shape.length - 1];
    return [shape[0], ...spatial, channels === null ? null : channels / this.scale ** dims];
  }

  /**
   * One spatial axis at a time, outermost first: its block factor is the outermost factor
   * of the channels left, so moving it behind the axis and merging gives the DCR order.
   * Tensors stay at rank 6 or less (3D: [N, D, r, H, W, r*r*C]), which the webgpu engine
   * needs (its shaders stop at rank 6; one transpose to rank 8 failed there).
   */
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const r = this.scale;
      const dims = x.rank - 2;
      let y = x;
      for (let axis = 1; axis <= dims; axis++) {
        const shape = y.shape;
        const rest = shape[shape.length - 1] / r;
        // [N, .., S_axis, .., r, rest] -> [N, .., S_axis, r, .., rest] -> [N, .., S_axis * r, .., rest]
        const split = y.reshape([...shape.slice(0, -1), r, rest]);
        const order = [...shape.keys()].slice(0, axis + 1).concat([shape.length - 1], [...shape.keys()].slice(axis + 1, -1), [shape.length]);
        const merged = [...shape.slice(0, axis), shape[axis] * r, ...shape.slice(axis + 1, -1), rest];
        y = split.transpose(order).reshape(merged);
      }
      return y;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PixelShuffle);
