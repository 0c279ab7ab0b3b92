// IR -> ONNX nodes and initializers: one lowering per IR op (the LOWERINGS table), NCHW
// (NCDHW) throughout, opset 17. Every tfjs -> ONNX choice below follows the table in
// docs/facts.md#tfjs-to-onnx, each checked numerically in onnxruntime. Shapes are never
// computed here: they come from the IR (docs/ir.md).
import { UnsupportedOpsError, type Problem } from '../unsupported.ts';
import { assertNever } from '../../language/assert-never.ts';
import { transposedCropEnds } from '../../language/ir/op-shapes.ts';
import type { Model, Node, NodeOf, OpName, PoolKind, Span } from '../../language/ir/types.ts';
import { makeNode, makeTensor, type AttrValue, type NodeProto, type TensorProto } from './proto.ts';
import type { ModelWeights, NodeWeights, WeightArray } from '../../language/ir/weights.ts';

export const BACKEND = 'onnx';
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'output';

export { UnsupportedOpsError, type Problem };

export interface LowerOptions {
  /** Fold batch norm into the conv before it (docs/facts.md#tfjs-to-onnx: W' = W*g/sqrt(v+eps), b' = (b-m)*g/sqrt(v+eps)+beta). */
  foldBn: boolean;
}

export interface Lowered {
  nodes: NodeProto[];
  initializers: TensorProto[];
}


interface Context<K extends OpName> {
  node: NodeOf<K>;
  model: Model;
  /** ONNX tensor names of the node's inputs, in order. */
  x: string[];
  /** The ONNX tensor name this node's result should get. */
  y: string;
  weights: NodeWeights;
  emit(opType: string, inputs: string[], outputs: string[], attributes?: Record<string, AttrValue>): void;
  /** Adds a float initializer named `${node.id}.${suffix}` and returns its name. */
  float(suffix: string, dims: number[], values: ArrayLike<number>): string;
  /** Adds an int64 initializer [values.length] named `${node.id}.${suffix}` and returns its name. */
  int64(suffix: string, values: readonly (number | bigint)[]): string;
  /** The named weight of this node; throws when the weights given lack it. */
  weight(key: keyof NodeWeights): WeightArray;
  unsupported(message: string): void;
}

/** Returns the tensor name holding the node's result when it is not ctx.y (nodes removed at export). */
type Lowering<K extends OpName> = (ctx: Context<K>) => string | void;

const INT64_MAX = 2n ** 63n - 1n;

/** Per-axis [begin..., end...] pads of a tfjs/TensorFlow `same` conv at stride 1 (docs/ir.md, docs/facts.md#tfjs-to-onnx). */
function samePadsStride1(kernel: number[], dilation: number[]): number[] {
  const totals = kernel.map((k, i) => (k - 1) * dilation[i]);
  return [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))];
}

function convPads(ctx: Context<'conv'>): Record<string, AttrValue> {
  const { kernel, padding } = ctx.node;
  switch (padding) {
    case 'valid':
      return { pads: { ints: [...kernel, ...kernel].map(() => 0) } };
    case 'same':
      return samePads(ctx);
    default:
      return assertNever(padding, 'padding');
  }
}

function samePads(ctx: Context<'conv'>): Record<string, AttrValue> {
  const { kernel, stride, dilation } = ctx.node;
  if (stride.every((s) => s === 1)) return { pads: { ints: samePadsStride1(kernel, dilation) } };
  // With stride > 1 the TensorFlow pad depends on the input extent, which is symbolic here.
  // SAME_UPPER is the same rule (extra pixel at the end) but onnxruntime refuses it with
  // dilation > 1 (docs/facts.md#tfjs-to-onnx).
  if (dilation.some((d) => d !== 1)) ctx.unsupported('same padding with both stride > 1 and dilation > 1');
  return { auto_pad: { s: 'SAME_UPPER' } };
}

/** Per-channel broadcast shape [C, 1, ...] against an N,C,spatial... tensor. */
const channelDims = (model: Model, channels: number) => [channels, ...Array<number>(model.dims).fill(1)];

type Epsilon = { f: number };

function batchNorm(ctx: Context<'norm'>, epsilon: Epsilon): void {
  const [gamma, beta, mean, variance] = [ctx.weight('gamma'), ctx.weight('beta'), ctx.weight('mean'), ctx.weight('variance')];
  const inputs = [
    ctx.x[0],
    ctx.float('gamma', gamma.shape, gamma.data),
    ctx.float('beta', beta.shape, beta.data),
    ctx.float('mean', mean.shape, mean.data),
    ctx.float('variance', variance.shape, variance.data),
  ];
  ctx.emit('BatchNormalization', inputs, [ctx.y], { epsilon });
}

function instanceNorm(ctx: Context<'norm'>, epsilon: Epsilon): void {
  const [gamma, beta] = [ctx.weight('gamma'), ctx.weight('beta')];
  const inputs = [ctx.x[0], ctx.float('gamma', gamma.shape, gamma.data), ctx.float('beta', beta.shape, beta.data)];
  ctx.emit('InstanceNormalization', inputs, [ctx.y], { epsilon });
}

/**
 * GroupNormalization needs opset 18. [N, C, D.., H, W] -> [N, G, C/G * first spatial,
 * other spatial...] (Reshape's 0 copies the extent at the same index, so no Shape op and
 * shape inference still works), an unscaled InstanceNormalization (statistics per
 * sample and group over everything else), the shape back, then the per-channel affine.
 */
function groupNorm(ctx: Context<'norm'>, epsilon: Epsilon): void {
  const [gamma, beta] = [ctx.weight('gamma'), ctx.weight('beta')];
  const g = ctx.node.groups;
  const c = gamma.data.length;
  const id = ctx.node.id;
  const keep = Array<number>(ctx.model.dims - 1).fill(0);
  ctx.emit('Reshape', [ctx.x[0], ctx.int64('grouped_shape', [0, g, -1, ...keep])], [`${id}/grouped`]);
  const ones = ctx.float('group_scale', [g], new Float32Array(g).fill(1));
  const zeros = ctx.float('group_bias', [g], new Float32Array(g));
  ctx.emit('InstanceNormalization', [`${id}/grouped`, ones, zeros], [`${id}/normalized`], { epsilon });
  ctx.emit('Reshape', [`${id}/normalized`, ctx.int64('shape', [0, c, -1, ...keep])], [`${id}/restored`]);
  const dims = channelDims(ctx.model, c);
  ctx.emit('Mul', [`${id}/restored`, ctx.float('gamma', dims, gamma.data)], [`${id}/scaled`]);
  ctx.emit('Add', [`${id}/scaled`, ctx.float('beta', dims, beta.data)], [ctx.y]);
}

/** ONNX Resize attributes of an upsample node (docs/facts.md#tfjs-to-onnx). */
function resizeAttributes(node: NodeOf<'upsample'>): Record<string, AttrValue> {
  switch (node.mode) {
    // tfjs upSampling2d nearest = asymmetric + floor.
    case 'nearest':
      return { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } };
    // tfjs upSampling2d bilinear = linear + asymmetric; PyTorch align_corners=True = align_corners.
    // Linear Resize also covers 5D (trilinear).
    case 'bilinear':
      return { mode: { s: 'linear' }, coordinate_transformation_mode: { s: node.alignCorners ? 'align_corners' : 'asymmetric' } };
    default:
      return assertNever(node.mode, 'upsample mode');
  }
}

function poolOp(kind: PoolKind): string {
  switch (kind) {
    case 'max':
      return 'MaxPool';
    case 'avg':
      return 'AveragePool';
    default:
      return assertNever(kind, 'pool kind');
  }
}

const LOWERINGS: { [K in OpName]: Lowering<K> } = {
  input: () => {
    throw new Error('the input node is the graph input, not lowered');
  },

  conv: (ctx) => {
    const { node } = ctx;
    const kernel = ctx.weight('kernel');
    const inputs = [ctx.x[0], ctx.float('weight', kernel.shape, kernel.data)];
    if (ctx.weights.bias) inputs.push(ctx.float('bias', ctx.weights.bias.shape, ctx.weights.bias.data));
    ctx.emit('Conv', inputs, [ctx.y], {
      kernel_shape: { ints: node.kernel },
      strides: { ints: node.stride },
      dilations: { ints: node.dilation },
      ...convPads(ctx),
    });
  },

  conv_transpose: (ctx) => {
    const { node } = ctx;
    const ends = transposedCropEnds(node);
    // tfjs conv2dTranspose `same` gives out = in*s: ONNX pads k-s at the end only (docs/facts.md#tfjs-to-onnx:
    // PyTorch-style symmetric pads + output_padding shift the result by one pixel).
    if (ends.some((e) => e < 0)) ctx.unsupported('same padding with kernel smaller than stride');
    const kernel = ctx.weight('kernel');
    const inputs = [ctx.x[0], ctx.float('weight', kernel.shape, kernel.data)];
    if (ctx.weights.bias) inputs.push(ctx.float('bias', ctx.weights.bias.shape, ctx.weights.bias.data));
    ctx.emit('ConvTranspose', inputs, [ctx.y], {
      kernel_shape: { ints: node.kernel },
      strides: { ints: node.stride },
      pads: { ints: [...node.kernel.map(() => 0), ...ends.map((e) => Math.max(e, 0))] },
    });
  },

  norm: (ctx) => {
    const { node } = ctx;
    // Epsilon always explicit: ONNX's default 1e-5 differs from tfjs's 1e-3 (docs/facts.md#tfjs-to-onnx: errors of 23 to 63).
    const epsilon = { f: node.epsilon };
    switch (node.kind) {
      case 'batch':
        return batchNorm(ctx, epsilon);
      case 'instance':
        return instanceNorm(ctx, epsilon);
      case 'group':
        return groupNorm(ctx, epsilon);
      default:
        return assertNever(node.kind, 'norm kind');
    }
  },
  activation: (ctx) => {
    const { node } = ctx;
    const x = ctx.x[0];
    switch (node.fn) {
      case 'relu':
        return void ctx.emit('Relu', [x], [ctx.y]);
      case 'leaky_relu':
        return void ctx.emit('LeakyRelu', [x], [ctx.y], { alpha: { f: node.alpha } });
      case 'elu':
        return void ctx.emit('Elu', [x], [ctx.y], { alpha: { f: node.alpha } });
      case 'sigmoid':
        return void ctx.emit('Sigmoid', [x], [ctx.y]);
      case 'tanh':
        return void ctx.emit('Tanh', [x], [ctx.y]);
      case 'softmax':
        // Over channels; axis=1 needs opset >= 13, where Softmax no longer flattens C*H*W (docs/facts.md#tfjs-to-onnx).
        return void ctx.emit('Softmax', [x], [ctx.y], { axis: { i: 1 } });
      case 'gelu': {
        // Opset 17 has no Gelu (added in 20): exact form x * 0.5 * (1 + erf(x / sqrt 2)).
        const id = node.id;
        ctx.emit('Div', [x, ctx.float('sqrt2', [], [Math.SQRT2])], [`${id}/scaled`]);
        ctx.emit('Erf', [`${id}/scaled`], [`${id}/erf`]);
        ctx.emit('Add', [`${id}/erf`, ctx.float('one', [], [1])], [`${id}/erf_plus_one`]);
        ctx.emit('Mul', [x, `${id}/erf_plus_one`], [`${id}/doubled`]);
        ctx.emit('Mul', [`${id}/doubled`, ctx.float('half', [], [0.5])], [ctx.y]);
        return;
      }
      default:
        return assertNever(node.fn, 'activation');
    }
  },

  // No padding and floor (docs/ir.md): ONNX's defaults pads 0, ceil_mode 0 (docs/facts.md#tfjs-to-onnx).
  pool: (ctx) => {
    const { node } = ctx;
    ctx.emit(poolOp(node.kind), [ctx.x[0]], [ctx.y], { kernel_shape: { ints: node.kernel }, strides: { ints: node.stride } });
  },

  global_avg_pool: (ctx) => ctx.emit('GlobalAveragePool', [ctx.x[0]], [ctx.y]),

  upsample: (ctx) => {
    const { node } = ctx;
    const scales = ctx.float('scales', [node.scale.length + 2], [1, 1, ...node.scale]);
    ctx.emit('Resize', [ctx.x[0], '', scales], [ctx.y], resizeAttributes(node));
  },

  pixel_shuffle: (ctx) => {
    if (ctx.model.dims !== 2) ctx.unsupported('DepthToSpace is defined for 4D (2D image) tensors only');
    // DCR is tfjs depthToSpace's order; CRD (PyTorch PixelShuffle) is off by 1.91 (docs/facts.md#tfjs-to-onnx).
    ctx.emit('DepthToSpace', [ctx.x[0]], [ctx.y], { blocksize: { i: ctx.node.scale }, mode: { s: 'DCR' } });
  },

  crop: (ctx) => {
    const { node } = ctx;
    // Constant starts and negative ends keep the graph valid for every input size (docs/facts.md#tfjs-to-onnx).
    // An end of 0 cannot be written as -0, so it is "to the end" (INT64_MAX, clamped by Slice).
    const starts = ctx.int64('starts', node.begin);
    const ends = ctx.int64('ends', node.end.map((e) => (e === 0 ? INT64_MAX : BigInt(-e))));
    const axes = ctx.int64('axes', node.begin.map((_, i) => i + 2));
    ctx.emit('Slice', [ctx.x[0], starts, ends, axes], [ctx.y]);
  },

  concat: (ctx) => ctx.emit('Concat', ctx.x, [ctx.y], { axis: { i: 1 } }),

  add: (ctx) => ctx.emit('Add', ctx.x, [ctx.y]),

  // The second input has 1 channel or 1x1 spatial: ONNX (numpy) broadcasting handles both in NCHW.
  mul: (ctx) => ctx.emit('Mul', ctx.x, [ctx.y]),

  // Identity at inference (docs/ir.md): removed at export (docs/facts.md#tfjs-to-onnx).
  dropout: (ctx) => ctx.x[0],
} as { [K in OpName]: Lowering<K> };

/** Batch norms folded into the conv (or conv transpose) that feeds only them: conv id -> norm. */
function foldPlan(model: Model): Map<string, NodeOf<'norm'>> {
  const consumers = new Map<string, number>();
  for (const node of model.nodes) for (const i of node.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const plan = new Map<string, NodeOf<'norm'>>();
  for (const node of model.nodes) {
    if (node.op !== 'norm' || node.kind !== 'batch') continue;
    const producer = byId.get(node.inputs[0]);
    if (!producer || (producer.op !== 'conv' && producer.op !== 'conv_transpose')) continue;
    if (consumers.get(producer.id) !== 1 || producer.id === model.outputNode) continue;
    plan.set(producer.id, node);
  }
  return plan;
}

/**
 * docs/facts.md#tfjs-to-onnx: W' = W*g/sqrt(v+eps) per output channel, b' = (b-m)*g/sqrt(v+eps)+beta. The
 * output channel is axis 0 of a Conv kernel and axis 1 of a ConvTranspose kernel.
 */
function foldBatchNorm(conv: Node, weights: NodeWeights, norm: NodeOf<'norm'>, bn: NodeWeights): NodeWeights {
  const need = (w: WeightArray | undefined, what: string) => {
    if (!w) throw new Error(`missing ${what} weights for batch-norm folding of ${conv.id} into ${norm.id}`);
    return w;
  };
  const kernel = need(weights.kernel, 'kernel');
  const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.mean, bn.variance].map((w) => need(w, norm.id).data);
  const scale = Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + norm.epsilon));
  const outAxis = conv.op === 'conv_transpose' ? 1 : 0;
  const inner = kernel.shape.slice(outAxis + 1).reduce((a, b) => a * b, 1);
  const channels = kernel.shape[outAxis];
  const folded = Float32Array.from(kernel.data, (w, k) => w * scale[Math.floor(k / inner) % channels]);
  const bias = scale.map((s, c) => ((weights.bias?.data[c] ?? 0) - mean[c]) * s + beta[c]);
  return { kernel: { data: folded, shape: kernel.shape }, bias: { data: Float32Array.from(bias), shape: [channels] } };
}

/** Lowers every node after the input; throws UnsupportedOpsError listing all nodes it cannot express. */
export function lowerModel(model: Model, weights: ModelWeights, options: LowerOptions): Lowered {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const problems: Problem[] = [];
  const tensorOf = new Map<string, string>([[model.nodes[0].id, INPUT_NAME]]);
  const folds = options.foldBn ? foldPlan(model) : new Map<string, NodeOf<'norm'>>();
  const foldedNorms = new Set([...folds.values()].map((n) => n.id));

  for (const node of model.nodes.slice(1)) {
    const x = node.inputs.map((i) => tensorOf.get(i) ?? fail(`node ${node.id}: input ${i} is not defined before it`));
    if (foldedNorms.has(node.id)) {
      tensorOf.set(node.id, x[0]);
      continue;
    }
    const fold = folds.get(node.id);
    const own = weights.get(node.id) ?? {};
    const add = (suffix: string, dims: number[], values: Float32Array | BigInt64Array) => {
      const name = `${node.id}.${suffix}`;
      initializers.push(makeTensor(name, dims, values));
      return name;
    };
    const y = node.id === model.outputNode ? OUTPUT_NAME : node.id;
    const ctx: Context<OpName> = {
      node: node as never,
      model,
      x,
      y,
      weights: fold ? foldBatchNorm(node, own, fold, weights.get(fold.id) ?? {}) : own,
      emit(opType, inputs, outputs, attributes) {
        const name = outputs[0] === y ? node.id : `${node.id}/${opType}_${nodes.length}`;
        nodes.push(makeNode(opType, inputs, outputs, name, attributes));
      },
      float: (suffix, dims, values) => add(suffix, dims, values instanceof Float32Array ? values : Float32Array.from(values)),
      int64: (suffix, values) => add(suffix, [values.length], BigInt64Array.from(values, (v) => BigInt(v))),
      weight(key) {
        return ctx.weights[key] ?? fail(`node ${node.id} (${node.op}): no ${key} in the weights given`);
      },
      unsupported: (message) => problems.push({ nodeId: node.id, op: node.op, message, span: node.span }),
    };
    const lowering = LOWERINGS[node.op] as Lowering<OpName>;
    tensorOf.set(node.id, lowering(ctx) ?? y);
  }
  if (problems.length > 0) throw new UnsupportedOpsError(BACKEND, problems);

  // The output can be an alias (a removed dropout, a folded norm): give it the graph's output name.
  const result = tensorOf.get(model.outputNode) ?? fail(`output node ${model.outputNode} is not in the graph`);
  if (result !== OUTPUT_NAME) nodes.push(makeNode('Identity', [result], [OUTPUT_NAME], model.outputNode));
  return { nodes, initializers };
}

function fail(message: string): never {
  throw new Error(message);
}
