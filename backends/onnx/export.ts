// An IR model plus weights -> the bytes of an ONNX file (IR version 8, opset 17: the newest
// that Debian's python3-onnx checker knows, FACTS). The same model and weights always give
// the same bytes.
import { readFileSync } from 'node:fs';
import type { Model, SymDim } from '../../src/ir/types.ts';
import { INPUT_NAME, lowerModel, OUTPUT_NAME } from './lower.ts';
import { encodeModel, makeGraph, makeModel, makeValueInfo } from './proto.ts';
import type { ModelWeights } from './weights.ts';

export const ONNX_IR_VERSION = 8;
export const OPSET = 17;

export interface ExportOptions {
  /** Fold batch norms into the convolutions before them. */
  foldBn?: boolean;
  opset?: typeof OPSET;
  /** Fixed spatial input size ([H, W] or [D, H, W]); symbolic when absent. The batch stays symbolic. */
  fixedSize?: number[];
}

const PROJECT = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

const AXIS_NAMES = { 2: ['H', 'W'], 3: ['D', 'H', 'W'] } as const;

/** The legal extents as text, e.g. "s >= 188 and s % 16 in {12}". */
export function describeLegalSizes(model: Model): string {
  const { min, modulus, residues } = model.legalSizes;
  return `s >= ${min} and s % ${modulus} in {${residues.join(', ')}}`;
}

function checkFixedSize(model: Model, size: number[]): void {
  const { min, modulus, residues } = model.legalSizes;
  if (size.length !== model.dims || size.some((s) => s < min || !residues.includes(s % modulus))) {
    throw new Error(
      `fixed size ${size.join('x')} is not a legal input size of ${model.name}: ` +
        `${model.dims} extents, each ${describeLegalSizes(model)}`,
    );
  }
}

/**
 * One output extent: a constant, the input's own symbol when it is unchanged, or a new
 * symbol (`H_out`) when it is some other function of the input (valid padding shrinks it).
 */
function outputDim(dim: SymDim, axis: string, fixed: number | undefined): number | string {
  if (fixed !== undefined) return (fixed * dim.num) / dim.den + dim.offset;
  if (dim.num === 0) return dim.offset;
  return dim.num === dim.den && dim.offset === 0 ? axis : `${axis}_out`;
}

export function exportOnnx(model: Model, weights: ModelWeights, options: ExportOptions = {}): Uint8Array {
  const opset = options.opset ?? OPSET;
  if (opset !== OPSET) throw new Error(`opset ${opset} is not supported: the onnx backend writes opset ${OPSET}`);
  if (options.fixedSize) checkFixedSize(model, options.fixedSize);
  const axes = AXIS_NAMES[model.dims];
  const fixed = options.fixedSize;

  const { nodes, initializers } = lowerModel(model, weights, { foldBn: options.foldBn ?? false });
  const input = makeValueInfo(INPUT_NAME, ['N', model.input.channels, ...(fixed ?? axes)]);
  const outputDims = model.output.symbolic.map((dim, i) => outputDim(dim, axes[i], fixed?.[i]));
  const output = makeValueInfo(OUTPUT_NAME, ['N', model.output.channels, ...outputDims]);
  const graph = makeGraph(model.name, nodes, [input], [output], initializers);

  const onnxModel = makeModel(graph, {
    irVersion: ONNX_IR_VERSION,
    opset,
    producerName: PROJECT.name,
    producerVersion: PROJECT.version,
    docString: `${model.name}, compiled from ${model.source.file}`,
    // What a user of the file needs besides the graph: how to prepare the input and read the output.
    metadata: {
      'unet.class_names': JSON.stringify(model.classNames),
      'unet.input_normalization': model.train.normalize,
      'unet.legal_input_sizes': describeLegalSizes(model),
      'unet.output_activation': model.output.activation,
      'unet.spec': model.source.text,
      'unet.spec_file': model.source.file,
      'unet.version': PROJECT.version,
    },
  });
  return encodeModel(onnxModel);
}
