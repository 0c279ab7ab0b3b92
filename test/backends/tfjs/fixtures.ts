// Small hand-built IR models for the tfjs backend tests. The builder fills in each node's
// shape and parameter count with the formulas of docs/ir.md, so the tests can compare the
// tfjs model against them without the front end.
import * as tf from '@tensorflow/tfjs';
import type { Model, Node, NodeOp, Padding, Shape, TrainConfig } from '../../../src/language/ir/types.ts';

const TRAIN: TrainConfig = {
  loss: 'ce',
  optimizer: { kind: 'adam', lr: 1e-3, momentum: 0.9, nesterov: false, weightDecay: 0 },
  schedule: { kind: 'constant', patience: 0, factor: 1, power: 1, minLr: 0 },
  batch: 1,
  epochs: 1,
  clip: null,
  valSplit: 0,
  seed: 7,
  crop: null,
  weightMap: null,
  augment: { elastic: null, flip: false, rotate90: false, rotate: 0, shift: 0, brightness: 0, contrast: 0, gamma: 0 },
  normalize: 'unit',
  maskValues: null,
};

function shapeOf(channels: number, size: (number | null)[]): Shape {
  return { channels, size, symbolic: size.map(() => ({ num: 1, den: 1, offset: 0 })) };
}

const map = (size: (number | null)[], f: (n: number, i: number) => number) => size.map((n, i) => (n === null ? null : f(n, i)));

/** Output shape and trainable parameters of one op (docs/ir.md). */
function infer(op: NodeOp, ins: Shape[], dims: number): { shape: Shape; params: number } {
  const [x] = ins;
  const volume = (k: number[]) => k.reduce((a, b) => a * b, 1);
  switch (op.op) {
    case 'input':
      return { shape: x, params: 0 };
    case 'conv': {
      const size = map(x.size, (n, i) => {
        if (op.padding === 'same') return Math.ceil(n / op.stride[i]);
        return Math.floor((n - (op.kernel[i] - 1) * op.dilation[i] - 1) / op.stride[i]) + 1;
      });
      const params = volume(op.kernel) * x.channels * op.filters + (op.bias ? op.filters : 0);
      return { shape: shapeOf(op.filters, size), params };
    }
    case 'conv_transpose': {
      const size = map(x.size, (n, i) => (op.padding === 'same' ? n * op.stride[i] : (n - 1) * op.stride[i] + op.kernel[i]));
      const params = volume(op.kernel) * x.channels * op.filters + (op.bias ? op.filters : 0);
      return { shape: shapeOf(op.filters, size), params };
    }
    case 'norm':
      return { shape: x, params: 2 * x.channels };
    case 'pool':
      return { shape: shapeOf(x.channels, map(x.size, (n, i) => Math.floor((n - op.kernel[i]) / op.stride[i]) + 1)), params: 0 };
    case 'global_avg_pool':
      return { shape: shapeOf(x.channels, x.size.map(() => 1)), params: 0 };
    case 'upsample':
      return { shape: shapeOf(x.channels, map(x.size, (n, i) => n * op.scale[i])), params: 0 };
    case 'pixel_shuffle':
      return { shape: shapeOf(x.channels / op.scale ** dims, map(x.size, (n) => n * op.scale)), params: 0 };
    case 'crop':
      return { shape: shapeOf(x.channels, map(x.size, (n, i) => n - op.begin[i] - op.end[i])), params: 0 };
    case 'concat':
      return { shape: shapeOf(ins.reduce((c, s) => c + s.channels, 0), x.size), params: 0 };
    default: // activation, dropout, add, mul: the first input's shape
      return { shape: x, params: 0 };
  }
}

/** Builds an IR model node by node; ids double as the spec "line" for located errors. */
export class IrBuilder {
  readonly nodes: Node[] = [];

  constructor(
    readonly dims: 2 | 3,
    channels: number,
    size: (number | null)[],
    readonly padding: Padding = 'same',
  ) {
    this.node('input', { op: 'input' }, [], shapeOf(channels, size));
  }

  private node(id: string, op: NodeOp, inputs: string[], inputShape?: Shape): string {
    const ins = inputShape ? [inputShape] : inputs.map((i) => this.nodes.find((n) => n.id === i)!.shape);
    const { shape, params } = infer(op, ins, this.dims);
    const line = this.nodes.length + 1;
    this.nodes.push({
      ...op,
      id,
      inputs,
      role: { path: 'encoder', level: 1 },
      shape,
      params,
      macs: null,
      span: { file: 'fixture.unet', line, column: 3, endLine: line, endColumn: 10 },
    } as Node);
    return id;
  }

  add(id: string, op: NodeOp, ...inputs: string[]): string {
    return this.node(id, op, inputs);
  }

  conv(id: string, from: string, filters: number, opts: Partial<Extract<NodeOp, { op: 'conv' }>> = {}): string {
    const k = Array(this.dims).fill(3);
    const one = Array(this.dims).fill(1);
    return this.add(id, { op: 'conv', filters, kernel: k, stride: one, dilation: one, padding: this.padding, bias: true, init: 'he_normal', ...opts }, from);
  }

  build(outputNode: string, name = 'fixture'): Model {
    const out = this.nodes.find((n) => n.id === outputNode)!;
    return {
      irVersion: 1,
      name,
      dims: this.dims,
      input: this.nodes[0].shape,
      output: { ...out.shape, activation: 'none' },
      classes: out.shape.channels,
      classNames: [],
      padding: this.padding,
      depth: 1,
      nodes: this.nodes,
      outputNode,
      legalSizes: { min: 1, modulus: 1, residues: [0] },
      totals: { params: this.nodes.reduce((a, n) => a + n.params, 0), flops: null, macs: null, convLayers: 0, receptiveField: 0 },
      train: TRAIN,
      source: { file: 'fixture.unet', text: '' },
    };
  }
}

/** Trainable parameters only: tfjs countParams() also counts batch-norm moving statistics. */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, n) => p * n!, 1), 0);
}

/** A model with every IR node's tensor as an output, in node order (input excluded). */
export function debugModel(inputs: tf.SymbolicTensor, tensors: Map<string, tf.SymbolicTensor>): { model: tf.LayersModel; ids: string[] } {
  const ids = [...tensors.keys()].filter((id) => tensors.get(id) !== inputs);
  return { model: tf.model({ inputs, outputs: ids.map((id) => tensors.get(id)!) }), ids };
}

/** A seeded uniform input tensor of a node shape with batch 1, in NHWC / NDHWC. */
export function inputFor(shape: Shape, size?: number[], seed = 1): tf.Tensor {
  return tf.randomUniform([1, ...(size ?? (shape.size as number[])), shape.channels], -1, 1, 'float32', seed);
}
