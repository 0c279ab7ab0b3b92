// Exact shape inference for a whole network: which input sizes are legal, every node's
// size as a function of the input size, parameters, multiply-adds and receptive field.
// Everything here is derived by lowering at concrete sizes and comparing, so the rules
// live in one place (ops.ts) and symbolic results are exact, not approximations.
import { error, type Diagnostic } from '../diagnostics.ts';
import { lowerAt, LoweringError, type LoweredNode } from '../ir/lower.ts';
import { IR_VERSION, type Model, type Node, type SymDim } from '../ir/types.ts';
import type { ResolvedSpec } from '../spec/types.ts';
import { isLegal, legalSizeMessage, nearestHint, type LegalSizes } from './legal.ts';
import { macCount, outputShape, ShapeError, type ConcreteShape } from '../ir/op-shapes.ts';
import { receptiveField } from './receptive-field.ts';

const MAX_SIZE = 4096;

function tryLower(spec: ResolvedSpec, size: number[]): LoweredNode[] | LoweringError {
  try {
    return lowerAt(spec, size);
  } catch (e) {
    if (e instanceof LoweringError) return e;
    throw e;
  }
}

/** The legal extents of one spatial axis (every axis of a U-Net follows the same rule). */
export function findLegalSizes(spec: ResolvedSpec): LegalSizes | LoweringError {
  const modulus = spec.down.stride ** spec.depth;
  let lastError: LoweringError | null = null;
  for (let s = 1; s <= MAX_SIZE; s++) {
    const r = tryLower(spec, Array(spec.dims).fill(s));
    if (r instanceof LoweringError) {
      if (r.structural) return r;
      // Small sizes fail for the boring reason (too small); the error at the largest size
      // tried is the structural one (e.g. unequal channels at a skip `add`).
      lastError = r;
      continue;
    }
    const residues: number[] = [];
    for (let t = s; t < s + modulus; t++) if (!(tryLower(spec, Array(spec.dims).fill(t)) instanceof LoweringError)) residues.push(t % modulus);
    return { min: s, modulus, residues: residues.sort((a, b) => a - b) };
  }
  return lastError!;
}

function reduce(num: number, den: number): [number, number] {
  const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
  const g = gcd(num, den) || 1;
  return [num / g, den / g];
}

/** size(s) = s * num / den + offset, from the sizes at two legal extents. */
function symbolicDim(s0: number, f0: number, s1: number, f1: number): SymDim {
  const [num, den] = reduce(f1 - f0, s1 - s0);
  return { num, den, offset: f0 - (s0 * num) / den };
}

export interface InferResult {
  model: Model | null;
  diagnostics: Diagnostic[];
}

/** The complete IR of `spec`; `size` (spatial, nulls for open axes) overrides the spec's input size. */
export function inferModel(spec: ResolvedSpec, size?: (number | null)[]): InferResult {
  const inputSpan = spec.spans['input'] ?? spec.span;
  const legal = findLegalSizes(spec);
  if (legal instanceof LoweringError) {
    const message = legal.structural ? legal.message : `no input size up to ${MAX_SIZE} works for this network: ${legal.message}`;
    return { model: null, diagnostics: [error('shape', message, legal.span)] };
  }
  const requested = size ?? spec.input.size ?? Array(spec.dims).fill(null);
  if (requested.length !== spec.dims)
    return { model: null, diagnostics: [error('input-size', `the input size ${requested.join('x')} has ${requested.length} axes, but the network is ${spec.dims}D`, inputSpan)] };
  const illegal = [...new Set(requested.filter((s): s is number => s !== null && !isLegal(legal, s)))];
  const diagnostics = illegal.map((s) =>
    error('input-size', `input size ${s} is not legal for \`${spec.name}\`: legal sizes are ${legalSizeMessage(legal)}`, inputSpan, nearestHint(legal, s)),
  );
  if (diagnostics.length) return { model: null, diagnostics };

  const probe0 = Array(spec.dims).fill(legal.min);
  const probe1 = Array(spec.dims).fill(legal.min + legal.modulus);
  const at0 = lowerAt(spec, probe0);
  const at1 = lowerAt(spec, probe1);
  const concrete = lowerAt(spec, requested.map((s) => s ?? legal.min));
  const open = requested.some((s) => s === null);
  const nodes = concrete.map((n, i) => ({
    ...n,
    shape: {
      channels: n.shape.channels,
      size: n.shape.size.map((v, axis) => (requested[axis] === null ? null : v)),
      symbolic: n.shape.size.map((_, axis) => symbolicDim(legal.min, at0[i]!.shape.size[axis]!, legal.min + legal.modulus, at1[i]!.shape.size[axis]!)),
    },
    macs: open ? null : n.macs,
  })) as Node[];
  const out = nodes.at(-1)!;
  const params = nodes.reduce((a, n) => a + n.params, 0);
  const macs = open ? null : concrete.reduce((a, n) => a + n.macs, 0);
  const model: Model = {
    irVersion: IR_VERSION,
    name: spec.name,
    dims: spec.dims,
    input: nodes[0]!.shape,
    output: { ...out.shape, activation: spec.activation },
    classes: spec.classes,
    classNames: spec.labels,
    padding: spec.padding,
    depth: spec.depth,
    nodes,
    outputNode: out.id,
    legalSizes: legal,
    totals: {
      params,
      flops: macs === null ? null : 2 * macs,
      macs,
      convLayers: nodes.filter((n) => n.op === 'conv' || n.op === 'conv_transpose').length,
      receptiveField: 0,
    },
    train: spec.train,
    source: { file: spec.file, text: spec.text },
  };
  model.totals.receptiveField = receptiveField(model);
  return { model, diagnostics: [] };
}

/** The same IR at another spatial input size (weights do not depend on it). Throws on an illegal size. */
export function withInputSize(model: Model, size: (number | null)[]): Model {
  if (size.length !== model.dims) throw new Error(`${model.name} is ${model.dims}D: give ${model.dims} sizes, found ${size.join('x')}`);
  for (const s of size)
    if (s !== null && !isLegal(model.legalSizes, s))
      throw new Error(`input size ${s} is not legal for ${model.name}: legal sizes are ${legalSizeMessage(model.legalSizes)}; ${nearestHint(model.legalSizes, s)}`);
  const probe = size.map((s) => s ?? model.legalSizes.min);
  const shapes = new Map<string, ConcreteShape>();
  const open = size.some((s) => s === null);
  const nodes = model.nodes.map((n) => {
    const inputs = n.inputs.map((id) => shapes.get(id)!);
    let shape: ConcreteShape;
    try {
      shape = n.op === 'input' ? { channels: n.shape.channels, size: probe } : outputShape(n, inputs);
    } catch (e) {
      if (e instanceof ShapeError) throw new Error(`at ${n.id}: ${e.message}`);
      throw e;
    }
    shapes.set(n.id, shape);
    const macs = macCount(n, inputs, shape);
    return { ...n, shape: { ...n.shape, size: shape.size.map((v, i) => (size[i] === null ? null : v)) }, macs: open ? null : macs };
  });
  const macs = open ? null : nodes.reduce((a, n) => a + (n.macs ?? 0), 0);
  const out = nodes.find((n) => n.id === model.outputNode)!;
  return { ...model, nodes, input: nodes[0]!.shape, output: { ...out.shape, activation: model.output.activation }, totals: { ...model.totals, macs, flops: macs === null ? null : 2 * macs } };
}
