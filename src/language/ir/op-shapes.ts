// The shape, parameter and multiply-add rule of every IR op: the only place in the project
// where output sizes are computed. Sizes that a U-Net cannot use (an odd size under a 2x2
// pool, a crop larger than the map) raise a ShapeError naming the node.
import { assertNever } from '../assert-never.ts';
import type { NodeOp, Padding } from './types.ts';

export interface ConcreteShape {
  channels: number;
  size: number[];
}

export class ShapeError extends Error {}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function convSize(n: number, k: number, s: number, d: number, padding: Padding, what: string): number {
  const extent = (k - 1) * d + 1;
  switch (padding) {
    case 'same':
      if (n % s !== 0) throw new ShapeError(`${what} with stride ${s} needs a size divisible by ${s}, found ${n}`);
      return n / s;
    case 'valid':
      if (n < extent) throw new ShapeError(`${what} ${k} needs at least ${extent} pixels, found ${n}`);
      if ((n - extent) % s !== 0) throw new ShapeError(`${what} with stride ${s} does not tile a size of ${n} exactly`);
      return (n - extent) / s + 1;
    default:
      return assertNever(padding, 'padding');
  }
}

/**
 * Per axis, the pixels a transposed conv crops off the end of its full result ((n-1)*s + k):
 * `same` (tfjs conv2dTranspose, out = n*s) drops k - s there, `valid` none. Negative when a
 * `same` kernel is smaller than its stride, which no backend expresses. The ONNX and PyTorch
 * backends crop exactly this (docs/facts.md#tfjs-to-onnx).
 */
export function transposedCropEnds(op: { kernel: number[]; stride: number[]; padding: Padding }): number[] {
  switch (op.padding) {
    case 'same':
      return op.kernel.map((k, i) => k - op.stride[i]!);
    case 'valid':
      return op.kernel.map(() => 0);
    default:
      return assertNever(op.padding, 'padding');
  }
}

/** Output shape of `op` given its inputs' shapes. */
export function outputShape(op: NodeOp, inputs: ConcreteShape[]): ConcreteShape {
  const x = inputs[0]!;
  switch (op.op) {
    case 'input':
      return x;
    case 'conv':
      return { channels: op.filters, size: x.size.map((n, i) => convSize(n, op.kernel[i]!, op.stride[i]!, op.dilation[i]!, op.padding, 'a convolution of kernel')) };
    case 'conv_transpose': {
      const ends = transposedCropEnds(op);
      return { channels: op.filters, size: x.size.map((n, i) => (n - 1) * op.stride[i]! + op.kernel[i]! - ends[i]!) };
    }
    case 'norm':
    case 'activation':
    case 'dropout':
      return x;
    case 'pool':
      return { channels: x.channels, size: x.size.map((n, i) => convSize(n, op.kernel[i]!, op.stride[i]!, 1, 'valid', `a ${op.kernel[i]}x${op.kernel[i]} pooling of kernel`)) };
    case 'global_avg_pool':
      return { channels: x.channels, size: x.size.map(() => 1) };
    case 'upsample':
      return { channels: x.channels, size: x.size.map((n, i) => n * op.scale[i]!) };
    case 'pixel_shuffle': {
      const factor = op.scale ** x.size.length;
      if (x.channels % factor !== 0) throw new ShapeError(`pixel shuffle by ${op.scale} needs channels divisible by ${factor}, found ${x.channels}`);
      return { channels: x.channels / factor, size: x.size.map((n) => n * op.scale) };
    }
    case 'crop': {
      const size = x.size.map((n, i) => n - op.begin[i]! - op.end[i]!);
      if (size.some((n) => n < 1)) throw new ShapeError(`cropping ${x.size.join('x')} by ${op.begin.join(',')} + ${op.end.join(',')} leaves nothing`);
      return { channels: x.channels, size };
    }
    case 'concat': {
      const mismatch = inputs.find((s) => s.size.join('x') !== x.size.join('x'));
      if (mismatch) throw new ShapeError(`cannot concatenate maps of sizes ${x.size.join('x')} and ${mismatch.size.join('x')}`);
      return { channels: inputs.reduce((a, s) => a + s.channels, 0), size: x.size };
    }
    case 'add': {
      const y = inputs[1]!;
      if (x.channels !== y.channels || x.size.join('x') !== y.size.join('x'))
        throw new ShapeError(`cannot add ${x.channels} x ${x.size.join('x')} and ${y.channels} x ${y.size.join('x')}: the shapes must be equal`);
      return x;
    }
    case 'mul': {
      const y = inputs[1]!;
      const channelsOk = y.channels === 1 || y.channels === x.channels;
      const sizeOk = y.size.every((n) => n === 1) || y.size.join('x') === x.size.join('x');
      if (!channelsOk || !sizeOk) throw new ShapeError(`cannot multiply ${x.channels} x ${x.size.join('x')} by ${y.channels} x ${y.size.join('x')}`);
      return x;
    }
  }
}

/** Trainable parameters (batch norm's running statistics are not trainable). */
export function paramCount(op: NodeOp, inputs: ConcreteShape[]): number {
  const cin = inputs[0]?.channels ?? 0;
  switch (op.op) {
    case 'conv':
    case 'conv_transpose':
      return product(op.kernel) * cin * op.filters + (op.bias ? op.filters : 0);
    case 'norm':
      return 2 * cin;
    default:
      return 0;
  }
}

/** Multiply-adds of the convolutions (other ops are counted as free, the usual convention). */
export function macCount(op: NodeOp, inputs: ConcreteShape[], output: ConcreteShape): number {
  switch (op.op) {
    case 'conv':
      return product(output.size) * output.channels * inputs[0]!.channels * product(op.kernel);
    case 'conv_transpose':
      return product(inputs[0]!.size) * inputs[0]!.channels * op.filters * product(op.kernel);
    default:
      return 0;
  }
}
