// Upsampling that tfjs-layers cannot express (docs/facts.md#tfjs-limits): 2D bilinear with
// alignCorners (PyTorch align_corners=True, used by milesial/Pytorch-UNet), and every 3D
// mode, since tfjs has no upSampling3d and no trilinear resize op. 2D uses
// tf.image.resizeBilinear/resizeNearestNeighbor; 3D interpolates one axis at a time
// (trilinear = linear along D, then H, then W), with tfjs' own source coordinates.
import * as tf from '@tensorflow/tfjs';
import { assertNever } from '../../../language/assert-never.ts';
import type { UpsampleMode } from '../../../language/ir/types.ts';

export interface ResizeArgs {
  mode: UpsampleMode;
  scale: number[];
  alignCorners: boolean;
  name?: string;
}

/**
 * The source coordinate of output index o when an axis of n pixels becomes out pixels,
 * as in tfjs-backend-cpu ResizeBilinear/ResizeNearestNeighbor (halfPixelCenters false).
 */
function sourceCoordinate(o: number, n: number, out: number, alignCorners: boolean): number {
  const ratio = alignCorners && out > 1 ? (n - 1) / (out - 1) : n / out;
  return o * ratio;
}

/** Nearest-neighbour resampling of one axis (floor of the source coordinate). */
function nearestAxis(x: tf.Tensor, axis: number, out: number, alignCorners: boolean): tf.Tensor {
  const n = x.shape[axis];
  const index = Array.from({ length: out }, (_, o) => {
    const src = sourceCoordinate(o, n, out, alignCorners);
    return Math.min(n - 1, alignCorners ? Math.round(src) : Math.floor(src));
  });
  return tf.gather(x, tf.tensor1d(index, 'int32'), axis);
}

/** Linear resampling of one axis: lower + (upper - lower) * fraction. */
export function linearAxis(x: tf.Tensor, axis: number, out: number, alignCorners: boolean): tf.Tensor {
  const n = x.shape[axis];
  const lower = new Int32Array(out);
  const upper = new Int32Array(out);
  const fraction = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const src = sourceCoordinate(o, n, out, alignCorners);
    lower[o] = Math.floor(src);
    upper[o] = Math.min(n - 1, Math.ceil(src));
    fraction[o] = src - lower[o];
  }
  const a = tf.gather(x, tf.tensor1d(lower, 'int32'), axis);
  const b = tf.gather(x, tf.tensor1d(upper, 'int32'), axis);
  const weightShape = x.shape.map((_, i) => (i === axis ? out : 1));
  return a.add(b.sub(a).mul(tf.tensor(fraction, weightShape)));
}

type AxisResampler = (x: tf.Tensor, axis: number, out: number, alignCorners: boolean) => tf.Tensor;

/** The one-axis resampling of an upsample mode (3D resizes one axis at a time). */
function axisResampler(mode: UpsampleMode): AxisResampler {
  switch (mode) {
    case 'nearest':
      return nearestAxis;
    case 'bilinear':
      return linearAxis;
    default:
      return assertNever(mode, 'upsample mode');
  }
}

export class Resize extends tf.layers.Layer {
  static className = 'UnetResize';
  readonly mode: UpsampleMode;
  readonly scale: number[];
  readonly alignCorners: boolean;

  constructor(args: ResizeArgs) {
    super(args);
    this.mode = args.mode;
    this.scale = args.scale;
    this.alignCorners = args.alignCorners;
  }

  private outSize(shape: tf.Shape): (number | null)[] {
    return shape.slice(1, -1).map((n, i) => (n === null ? null : Math.floor(n * this.scale[i])));
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], ...this.outSize(shape), shape[shape.length - 1]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const size = this.outSize(x.shape) as number[];
      if (x.rank === 4) {
        const [h, w] = size;
        switch (this.mode) {
          case 'bilinear':
            return tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], this.alignCorners);
          case 'nearest':
            return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [h, w], this.alignCorners);
          default:
            return assertNever(this.mode, 'upsample mode');
        }
      }
      const resample = axisResampler(this.mode);
      return size.reduce((y, out, i) => resample(y, i + 1, out, this.alignCorners), x);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode, scale: this.scale, alignCorners: this.alignCorners };
  }
}

tf.serialization.registerClass(Resize);
