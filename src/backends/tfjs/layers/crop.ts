// Center crop of a 3D valid-padding skip: tfjs-layers 4.22 has cropping2D but no
// cropping3D (docs/facts.md#tfjs-limits). Removes begin[i] leading and end[i] trailing voxels on
// spatial axis i, as the IR's crop op (docs/ir.md).
import * as tf from '@tensorflow/tfjs';

export interface Crop3DArgs {
  begin: number[];
  end: number[];
  name?: string;
}

export class Crop3D extends tf.layers.Layer {
  static className = 'UnetCrop3D';
  readonly begin: number[];
  readonly end: number[];

  constructor(args: Crop3DArgs) {
    super(args);
    this.begin = args.begin;
    this.end = args.end;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return shape.map((n, axis) => {
      if (axis === 0 || axis === shape.length - 1 || n === null) return n;
      return n - this.begin[axis - 1] - this.end[axis - 1];
    });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [n, d, h, w, c] = x.shape;
    const [bd, bh, bw] = this.begin;
    const [ed, eh, ew] = this.end;
    return tf.slice(x, [0, bd, bh, bw, 0], [n, d - bd - ed, h - bh - eh, w - bw - ew, c]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), begin: this.begin, end: this.end };
  }
}

tf.serialization.registerClass(Crop3D);
