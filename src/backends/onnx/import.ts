// Weights from a foreign ONNX file (e.g. a PyTorch U-Net from torch.onnx.export) for the
// IR of a spec with the same architecture. Layers are matched by graph position, not by
// name: exporters name initializers arbitrarily (`onnx::Conv_106`). The parametrised layers
// of both graphs, in order, must correspond one to one; the first that does not is reported.
import { assertNever } from '../../language/assert-never.ts';
import type { Model, Node, NormKind } from '../../language/ir/types.ts';
import { decodeModel, onnx, type ModelProto } from './proto.ts';
import type { ModelWeights, NodeWeights, WeightArray } from '../../language/ir/weights.ts';

type Graph = NonNullable<ModelProto['graph']>;
type NodeProto = NonNullable<Graph['node']>[number];
type TensorProto = NonNullable<Graph['initializer']>[number];

/** An ONNX node that carries weights, with its initializers (absent optional inputs undefined). */
interface OnnxLayer {
  node: NodeProto;
  weights: (WeightArray | undefined)[];
}

type ParamNode = Extract<Node, { op: 'conv' | 'conv_transpose' | 'norm' }>;

const PARAM_OPS: Record<string, true> = { Conv: true, ConvTranspose: true, BatchNormalization: true, InstanceNormalization: true };

function toArray(tensor: TensorProto): WeightArray {
  const shape = (tensor.dims ?? []).map(Number);
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new Error(`initializer ${tensor.name} is not float32 (ONNX data type ${tensor.dataType})`);
  }
  const raw = tensor.rawData;
  // raw_data is little-endian (ONNX TensorProto); float_data is the other allowed encoding.
  if (!raw || raw.length === 0) return { data: Float32Array.from(tensor.floatData ?? []), shape };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Float32Array(raw.length / 4);
  for (let k = 0; k < data.length; k++) data[k] = view.getFloat32(4 * k, true);
  return { data, shape };
}

function onnxLayers(source: Uint8Array | ModelProto): OnnxLayer[] {
  const graph = (source instanceof Uint8Array ? decodeModel(source) : source).graph;
  if (!graph) throw new Error('the ONNX file has no graph');
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
  return (graph.node ?? [])
    .filter((node) => PARAM_OPS[node.opType ?? ''])
    .map((node) => ({
      node,
      weights: (node.input ?? []).slice(1).map((name) => {
        const tensor = initializers.get(name);
        return tensor ? toArray(tensor) : undefined;
      }),
    }));
}

function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  return node.attribute?.find((a) => a.name === name)?.f ?? fallback;
}

const describeOnnx = (layer: OnnxLayer | undefined) =>
  layer ? `${layer.node.opType} '${layer.node.name || layer.node.output?.[0]}' with weight [${layer.weights[0]?.shape.join(', ') ?? 'none'}]` : 'no more layers';

/** The first mismatch, with both sides described. */
export class ImportMismatchError extends Error {
  constructor(position: number, expected: ParamNode, expectedText: string, found: OnnxLayer | undefined, why: string) {
    const { file, line, column } = expected.span;
    super(
      `parametrised layer ${position + 1} does not match: the spec's ${expected.op} ${expected.id} (${file}:${line}:${column}) ` +
        `expects ${expectedText}; the ONNX file has ${describeOnnx(found)} (${why})`,
    );
    this.name = 'ImportMismatchError';
  }
}

const sameShape = (a: number[] | undefined, b: number[]) => a !== undefined && a.join(',') === b.join(',');
const filled = (n: number, value: number): WeightArray => ({ data: new Float32Array(n).fill(value), shape: [n] });

/** The ONNX op a norm kind is exported as; null for group norm, which opset 17 lacks (export decomposes it). */
function normOpType(kind: NormKind): string | null {
  switch (kind) {
    case 'batch':
      return 'BatchNormalization';
    case 'instance':
      return 'InstanceNormalization';
    case 'group':
      return null;
    default:
      return assertNever(kind, 'norm kind');
  }
}

/**
 * ModelWeights (ONNX layouts, weights.ts) for `model` from the ONNX file's initializers. A
 * batch norm of the spec that the exporter folded into the conv before it (torch.onnx.export
 * does so in eval mode) is restored as the identity after the folded conv: scale 1, mean 0,
 * variance 1 - epsilon, the folded bias as its offset.
 */
export function weightsFromOnnx(model: Model, source: Uint8Array | ModelProto): ModelWeights {
  const layers = onnxLayers(source);
  const channels = new Map(model.nodes.map((n) => [n.id, n.shape.channels]));
  const params = model.nodes.filter((n): n is ParamNode => n.op === 'conv' || n.op === 'conv_transpose' || n.op === 'norm');
  const weights: ModelWeights = new Map();
  let j = 0;
  for (let i = 0; i < params.length; i++) {
    const node = params[i];
    const layer = layers[j];
    const mismatch = (expectedText: string, why: string) => new ImportMismatchError(i, node, expectedText, layer, why);
    if (node.op === 'conv' || node.op === 'conv_transpose') {
      const opType = node.op === 'conv' ? 'Conv' : 'ConvTranspose';
      const cin = channels.get(node.inputs[0])!;
      const shape = node.op === 'conv' ? [node.filters, cin, ...node.kernel] : [cin, node.filters, ...node.kernel];
      const expected = `${opType} with weight [${shape.join(', ')}]`;
      if (layer?.node.opType !== opType) throw mismatch(expected, 'another op');
      const [kernel, bias] = layer.weights;
      if (!kernel || !sameShape(kernel.shape, shape)) throw mismatch(expected, 'another weight shape');
      j++;
      const next = params[i + 1];
      const folded = next?.op === 'norm' && next.kind === 'batch' && next.inputs[0] === node.id && layers[j]?.node.opType !== 'BatchNormalization';
      if (folded) {
        const c = node.filters;
        const offset = bias ?? filled(c, 0);
        weights.set(node.id, node.bias ? { kernel, bias: filled(c, 0) } : { kernel });
        weights.set(next.id, { gamma: filled(c, 1), beta: offset, mean: filled(c, 0), variance: filled(c, 1 - next.epsilon) });
        i++;
      } else {
        if (bias && !node.bias) throw mismatch(`${expected} and no bias`, 'it has a bias, and no batch norm follows in the spec');
        weights.set(node.id, node.bias ? { kernel, bias: bias ?? filled(node.filters, 0) } : { kernel });
      }
      continue;
    }
    const c = node.shape.channels;
    const opType = normOpType(node.kind);
    const expected = `${opType ?? 'a group norm'} over ${c} channels`;
    if (opType === null) throw mismatch(expected, 'group norm is not importable: opset 17 has no GroupNormalization op');
    if (layer?.node.opType !== opType) throw mismatch(expected, 'another op');
    if (!layer.weights.every((w) => sameShape(w?.shape, [c]))) throw mismatch(expected, 'another channel count');
    const [gamma, beta, mean, variance] = layer.weights as WeightArray[];
    const w: NodeWeights = { gamma, beta };
    if (node.kind === 'batch') {
      // Another epsilon is absorbed exactly: v + eps_file = (v + eps_file - eps_spec) + eps_spec.
      const shift = floatAttribute(layer.node, 'epsilon', 1e-5) - node.epsilon;
      Object.assign(w, { mean, variance: { data: variance.data.map((v) => v + shift), shape: variance.shape } });
    }
    weights.set(node.id, w);
    j++;
  }
  if (j < layers.length) {
    throw new Error(`the ONNX file has ${layers.length - j} parametrised layer(s) more than the spec, the first: ${describeOnnx(layers[j])}`);
  }
  return weights;
}
