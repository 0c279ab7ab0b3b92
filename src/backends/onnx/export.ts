// An IR model plus weights -> the bytes of an ONNX file (IR version 8, opset 17: the newest
// that Debian's python3-onnx checker knows, docs/facts.md#installs). The same model and weights always give
// the same bytes. Browser-safe: the playground's download writes .onnx files with it.
import type { Model, SymDim } from '../../language/ir/types.ts';
import { isLegal, legalSizeMessage, nearestLegal } from '../../language/shapes/legal.ts';
import { INPUT_NAME, lowerModel, OUTPUT_NAME } from './lower.ts';
import { encodeModel, makeGraph, makeModel, makeValueInfo } from './proto.ts';
import { PRODUCER } from './producer.ts';
import type { ModelWeights } from '../../language/ir/weights.ts';

export const ONNX_IR_VERSION = 8;
export const OPSET = 17;

export interface ExportOptions {
  /** Fold batch norms into the convolutions before them. */
  foldBn?: boolean;
  opset?: typeof OPSET;
  /** Fixed spatial input size ([H, W] or [D, H, W]); symbolic when absent. The batch stays symbolic. */
  fixedSize?: number[];
  /**
   * The input normalisation actually fitted (a training run's dataset statistics), written
   * as JSON; the spec's normalisation mode when absent.
   */
  inputNormalization?: unknown;
}

const AXIS_NAMES = { 2: ['H', 'W'], 3: ['D', 'H', 'W'] } as const;

/** Throws, naming the nearest legal sizes, unless every extent of `size` is legal for the model. */
export function checkFixedSize(model: Model, size: number[]): void {
  const legal = model.legalSizes;
  const bad = size.find((s) => !isLegal(legal, s));
  if (size.length !== model.dims || bad !== undefined) {
    const nearest = bad === undefined ? '' : `; the nearest to ${bad} are ${nearestLegal(legal, bad).join(' and ')}`;
    throw new Error(
      `fixed size ${size.join('x')} is not a legal input size of ${model.name} (${model.dims}D); legal sizes: ${legalSizeMessage(legal)}${nearest}`,
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
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    docString: `${model.name}, compiled from ${model.source.file}`,
    // What a user of the file needs besides the graph: how to prepare the input and read the output.
    metadata: {
      'unet.class_names': JSON.stringify(model.classNames),
      // The whole IR, so a runtime of ours needs nothing but this file (src/app/eval/onnx-predictor.ts).
      'unet.ir': JSON.stringify(model),
      'unet.input_normalization':
        options.inputNormalization === undefined ? model.train.normalize : JSON.stringify(options.inputNormalization),
      // s >= min and s % modulus in residues, per spatial axis (docs/ir.md).
      'unet.legal_input_sizes': JSON.stringify(model.legalSizes),
      'unet.output_activation': model.output.activation,
      'unet.spec': model.source.text,
      'unet.spec_file': model.source.file,
      'unet.version': PRODUCER.version,
    },
  });
  return encodeModel(onnxModel);
}
