// The IR compiled to a functional tf.LayersModel: one lowering entry per IR op
// (docs/ir.md gives each op's exact semantics). Layers are named after the IR node ids so
// that weights map back to IR nodes. Shapes come from the IR; after each node the tfjs
// shape is checked against the IR's, so a disagreement is caught at build time.
import { UnsupportedOpsError, type Problem } from '../unsupported.ts';
import * as tf from '@tensorflow/tfjs';
import { assertNever } from '../../language/assert-never.ts';
import type { Model, Node, NodeOf, OpName } from '../../language/ir/types.ts';
import { initialKernel } from './init.ts';
import { BatchNorm, BatchNorm3D, Crop3D, GroupNorm, PixelShuffle, Resize, SpatialMean } from './layers/index.ts';


interface LowerContext {
  dims: 2 | 3;
  name: string;
}

type Lowering<K extends OpName> = (node: NodeOf<K>, inputs: tf.SymbolicTensor[], ctx: LowerContext) => tf.SymbolicTensor;

/** tfjs weight names allow letters, digits and `._-` (tfjs-layers isValidTensorName). */
export function layerName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^[A-Za-z0-9]/.test(name) ? name : `n${name}`;
}

function apply(layer: tf.layers.Layer, inputs: tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
}

const ACTIVATIONS: Record<NodeOf<'activation'>['fn'], (node: NodeOf<'activation'>, name: string) => tf.layers.Layer> = {
  relu: (_, name) => tf.layers.activation({ activation: 'relu', name }),
  leaky_relu: ({ alpha }, name) => tf.layers.leakyReLU({ alpha, name }),
  elu: ({ alpha }, name) => {
    if (alpha !== 1) throw new Error(`elu with alpha ${alpha} is not supported (the tfjs ELU layer only has alpha 1)`);
    return tf.layers.elu({ name });
  },
  // tfjs 'gelu' is the exact erf form (tfjs-layers activations.ts), as the IR wants.
  gelu: (_, name) => tf.layers.activation({ activation: 'gelu', name }),
  sigmoid: (_, name) => tf.layers.activation({ activation: 'sigmoid', name }),
  tanh: (_, name) => tf.layers.activation({ activation: 'tanh', name }),
  // Channels are the last axis in NHWC / NDHWC.
  softmax: (_, name) => tf.layers.softmax({ axis: -1, name }),
};

/** alignCorners only means something for linear interpolation (docs/ir.md: nearest is floor). */
function alignsCorners(node: NodeOf<'upsample'>): boolean {
  switch (node.mode) {
    case 'nearest':
      return false;
    case 'bilinear':
      return node.alignCorners;
    default:
      return assertNever(node.mode, 'upsample mode');
  }
}

// Kernels start at zero here and get their seeded values in initializeKernels: drawing
// them twice (tfjs' initializer, then ours) would double the build time of 31M weights.
const LOWERING: { [K in OpName]: Lowering<K> } = {
  input: (node) => tf.input({ shape: [...node.shape.size, node.shape.channels], name: layerName(node.id) }),

  conv: (node, inputs, { dims }) => {
    if (node.stride.some((s) => s > 1) && node.dilation.some((d) => d > 1)) {
      throw new Error(
        `conv with stride [${node.stride}] and dilation [${node.dilation}] together is not supported (tf.conv${dims}d needs one of them to be 1)`,
      );
    }
    const args = {
      filters: node.filters,
      kernelSize: node.kernel,
      strides: node.stride,
      dilationRate: node.dilation as [number, number], // the IR's length (2 or 3) is what tfjs expects
      padding: node.padding,
      useBias: node.bias,
      kernelInitializer: 'zeros' as const,
      name: layerName(node.id),
    };
    return apply(dims === 2 ? tf.layers.conv2d(args) : tf.layers.conv3d(args), inputs);
  },

  conv_transpose: (node, inputs, { dims }) => {
    const args = {
      filters: node.filters,
      kernelSize: node.kernel,
      strides: node.stride,
      padding: node.padding,
      useBias: node.bias,
      kernelInitializer: 'zeros' as const,
      name: layerName(node.id),
    };
    return apply(dims === 2 ? tf.layers.conv2dTranspose(args) : tf.layers.conv3dTranspose(args), inputs);
  },

  norm: (node, inputs, { dims }) => {
    const name = layerName(node.id);
    switch (node.kind) {
      case 'batch': {
        // IR momentum is PyTorch's (weight of the new batch); Keras/tfjs weight the old value.
        const args = { axis: -1, epsilon: node.epsilon, momentum: 1 - node.momentum, name };
        return apply(dims === 2 ? new BatchNorm(args) : new BatchNorm3D(args), inputs);
      }
      case 'instance':
        // Instance norm is group norm with one channel per group.
        return apply(new GroupNorm({ groups: node.shape.channels, epsilon: node.epsilon, name }), inputs);
      case 'group':
        return apply(new GroupNorm({ groups: node.groups, epsilon: node.epsilon, name }), inputs);
      default:
        return assertNever(node.kind, 'norm kind');
    }
  },

  activation: (node, inputs) => apply(ACTIVATIONS[node.fn](node, layerName(node.id)), inputs),

  pool: (node, inputs, { dims }) => {
    const name = layerName(node.id);
    const args2 = { poolSize: node.kernel as [number, number], strides: node.stride as [number, number], padding: 'valid' as const, name };
    type Triple = [number, number, number];
    const args3 = { poolSize: node.kernel as Triple, strides: node.stride as Triple, padding: 'valid' as const, name };
    switch (node.kind) {
      case 'max':
        return apply(dims === 2 ? tf.layers.maxPooling2d(args2) : tf.layers.maxPooling3d(args3), inputs);
      case 'avg':
        return apply(dims === 2 ? tf.layers.averagePooling2d(args2) : tf.layers.averagePooling3d(args3), inputs);
      default:
        return assertNever(node.kind, 'pool kind');
    }
  },

  global_avg_pool: (node, inputs) => apply(new SpatialMean({ name: layerName(node.id) }), inputs),

  upsample: (node, inputs, { dims }) => {
    const name = layerName(node.id);
    const alignCorners = alignsCorners(node);
    if (dims === 2 && !alignCorners && node.scale.every(Number.isInteger)) {
      // upSampling2d is asymmetric (docs/facts.md#tfjs-to-onnx), the IR's alignCorners=false.
      return apply(tf.layers.upSampling2d({ size: node.scale, interpolation: node.mode, name }), inputs);
    }
    return apply(new Resize({ mode: node.mode, scale: node.scale, alignCorners, name }), inputs);
  },

  pixel_shuffle: (node, inputs) => apply(new PixelShuffle({ scale: node.scale, name: layerName(node.id) }), inputs),

  crop: (node, inputs, { dims }) => {
    const size = inputs[0].shape.slice(1, -1);
    if (size.some((n) => n === null)) {
      // tfjs Cropping2D computes negative sizes from null (docs/facts.md#tfjs-limits).
      throw new Error(
        `crop of an input of symbolic size [${size.map(String)}] is not supported: build valid-padding models for a concrete size (buildModel's inputSize)`,
      );
    }
    const name = layerName(node.id);
    if (dims === 3) return apply(new Crop3D({ begin: node.begin, end: node.end, name }), inputs);
    const [[top, left], [bottom, right]] = [node.begin, node.end];
    return apply(tf.layers.cropping2D({ cropping: [[top, bottom], [left, right]], name }), inputs);
  },

  concat: (node, inputs) => apply(tf.layers.concatenate({ axis: -1, name: layerName(node.id) }), inputs),

  add: (node, inputs) => apply(tf.layers.add({ name: layerName(node.id) }), inputs),

  // tfjs' Multiply broadcasts axes of size 1 (tfjs-layers merge.ts), as the IR's mul needs.
  mul: (node, inputs) => apply(tf.layers.multiply({ name: layerName(node.id) }), inputs),

  dropout: (node, inputs) => apply(tf.layers.dropout({ rate: node.rate, name: layerName(node.id) }), inputs),
};

/** The tfjs shape must equal the IR's on every axis the IR fixes. */
function checkShape(node: Node, tensor: tf.SymbolicTensor): void {
  const expected = [...node.shape.size, node.shape.channels];
  const actual = tensor.shape.slice(1);
  const agrees = actual.length === expected.length && expected.every((n, i) => n === null || n === actual[i]);
  if (!agrees) {
    throw new Error(`node '${node.id}' (${node.op}) has shape [${actual.map(String)}] in tfjs but [${expected.map(String)}] in the IR`);
  }
}

function initializeKernels(model: tf.LayersModel, ir: Model, seed: number): void {
  const channels = new Map(ir.nodes.map((n) => [n.id, n.shape.channels]));
  for (const node of ir.nodes) {
    if (node.op !== 'conv' && node.op !== 'conv_transpose') continue;
    const volume = node.kernel.reduce((a, b) => a * b, 1);
    // docs/ir.md: fan_in = k^d * cin (the node's input channels) for both conv kinds.
    const fans = { fanIn: volume * channels.get(node.inputs[0])!, fanOut: volume * node.filters };
    const kernel = model.getLayer(layerName(node.id)).weights[0];
    const count = kernel.shape.reduce((a: number, b) => a * b!, 1);
    const values = tf.tensor(initialKernel(node.init, fans, count, seed, node.id), kernel.shape as number[]);
    kernel.write(values);
    values.dispose();
  }
}

export interface LowerOptions {
  /** Seed of the initial kernels; default: the spec's train.seed. */
  seed?: number;
  /** false leaves kernels at zero, for callers that set all weights themselves. */
  initialize?: boolean;
}

export interface Lowered {
  model: tf.LayersModel;
  /** The symbolic output of every IR node, by node id (for debugging models). */
  tensors: Map<string, tf.SymbolicTensor>;
}

/**
 * Builds the tfjs model of an IR model at the IR's own input size (null sizes stay
 * symbolic). Every node tfjs cannot express is collected; then one error lists them all,
 * each with its spec location.
 */
export function lowerModel(ir: Model, options: LowerOptions = {}): Lowered {
  const ctx: LowerContext = { dims: ir.dims, name: ir.name };
  const tensors = new Map<string, tf.SymbolicTensor>();
  const problems: Problem[] = [];
  for (const node of ir.nodes) {
    const inputs = node.inputs.map((id) => tensors.get(id));
    // An input that failed was reported already; its consumers cannot be built.
    if (inputs.some((t) => t === undefined)) continue;
    try {
      const lower = LOWERING[node.op] as Lowering<OpName>;
      const out = lower(node as never, inputs as tf.SymbolicTensor[], ctx);
      checkShape(node, out);
      tensors.set(node.id, out);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ nodeId: node.id, op: node.op, message, span: node.span });
    }
  }
  if (problems.length > 0) throw new UnsupportedOpsError('tfjs', problems);
  const model = tf.model({
    inputs: tensors.get(ir.nodes[0].id)!,
    outputs: tensors.get(ir.outputNode)!,
    name: layerName(ir.name),
  });
  if (options.initialize !== false) initializeKernels(model, ir, options.seed ?? ir.train.seed);
  return { model, tensors };
}
