// Pixel shuffle (depth-to-space, Shi et al. 2016) for 2D and 3D in DCR order, the order
// of tf.depthToSpace and ONNX DepthToSpace mode=DCR (docs/ir.md): output pixel offset
// (d, h, w) inside a block reads channel ((d*r + h)*r + w)*C + c. Written as reshape and
// transpose rather than tf.depthToSpace so that it also covers 3D and has gradients.
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

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const r = this.scale;
    const [n, ...rest] = x.shape;
    const spatial = rest.slice(0, -1);
    const dims = spatial.length;
    const channels = rest[dims] / r ** dims;
    // [N, S1..Sd, r (d times), C] -> interleave each block axis after its spatial axis.
    const blocks = x.reshape([n, ...spatial, ...spatial.map(() => r), channels]);
    const order = [0, ...spatial.flatMap((_, i) => [1 + i, 1 + dims + i]), 1 + 2 * dims];
    return blocks.transpose(order).reshape([n, ...spatial.map((s) => s * r), channels]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PixelShuffle);
