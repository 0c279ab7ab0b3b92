// Tiny builders over onnx-proto's static protobufjs classes, in the spirit of
// onnx/helper.py (make_node, make_tensor, make_graph, make_model). They sort attributes
// and metadata by name and drop absent attributes, so that the same graph always encodes
// to the same bytes (golden files, `unet export` twice gives identical files).
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export type ValueInfoProto = InstanceType<typeof onnx.ValueInfoProto>;
export type GraphProto = InstanceType<typeof onnx.GraphProto>;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;

/**
 * An attribute value with its ONNX type spelled out: JavaScript has one number type, so
 * INT versus FLOAT cannot be guessed the way onnx/helper.py does from Python types.
 * `undefined` means "absent": the attribute is not written and ONNX's default applies.
 */
export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | undefined;

const AttrType = onnx.AttributeProto.AttributeType;
// The host's byte order, asked of a typed array (no Node API: the exporter runs in a page too).
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function makeAttribute(name: string, value: NonNullable<AttrValue>) {
  if ('i' in value) return onnx.AttributeProto.create({ name, type: AttrType.INT, i: value.i });
  if ('f' in value) return onnx.AttributeProto.create({ name, type: AttrType.FLOAT, f: value.f });
  if ('s' in value) {
    return onnx.AttributeProto.create({ name, type: AttrType.STRING, s: new TextEncoder().encode(value.s) });
  }
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: AttrType.INTS, ints: value.ints });
  return onnx.AttributeProto.create({ name, type: AttrType.FLOATS, floats: value.floats });
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A node; attributes are written sorted by name, absent ones dropped. An input '' is an omitted optional input. */
export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: Record<string, AttrValue> = {},
): NodeProto {
  const attribute = Object.keys(attributes)
    .sort(byName)
    .flatMap((key) => {
      const value = attributes[key];
      return value === undefined ? [] : [makeAttribute(key, value)];
    });
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute });
}

/**
 * A float32 or int64 initializer stored as little-endian raw_data (ONNX's TensorProto
 * convention for raw_data, whatever the host's byte order).
 */
export function makeTensor(name: string, dims: number[], values: Float32Array | BigInt64Array): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new Error(`tensor ${name}: ${values.length} values do not fill dims [${dims.join(', ')}] (${count})`);
  }
  return onnx.TensorProto.create({ name, dims, dataType: dataTypeOf(values), rawData: littleEndianBytes(values) });
}

function dataTypeOf(values: Float32Array | BigInt64Array): number {
  return values instanceof Float32Array ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
}

/** A copy of the values' bytes, little-endian: a plain copy on little-endian hosts (124 MB for a 31M-parameter net). */
function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, k) => view.setFloat32(4 * k, v, true));
  else values.forEach((v, k) => view.setBigInt64(8 * k, v, true));
  return bytes;
}

/** A float32 tensor's name, element type and shape; a string dim is symbolic (dim_param). */
export function makeValueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } },
  });
}

export function makeGraph(
  name: string,
  nodes: NodeProto[],
  inputs: ValueInfoProto[],
  outputs: ValueInfoProto[],
  initializers: TensorProto[],
): GraphProto {
  return onnx.GraphProto.create({ name, node: nodes, input: inputs, output: outputs, initializer: initializers });
}

export interface ModelInfo {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  /** Written as metadata_props, sorted by key. */
  metadata: Record<string, string>;
}

export function makeModel(graph: GraphProto, info: ModelInfo): ModelProto {
  const metadataProps = Object.keys(info.metadata)
    .sort(byName)
    .map((key) => ({ key, value: info.metadata[key] }));
  return onnx.ModelProto.create({
    irVersion: info.irVersion,
    opsetImport: [{ domain: '', version: info.opset }],
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    docString: info.docString,
    graph,
    metadataProps,
  });
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export { decodeModel } from './decode.ts';
