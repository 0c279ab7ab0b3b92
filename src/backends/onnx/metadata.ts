// What `unet export` stores beside the graph (the unet.* metadata of src/backends/onnx/export.ts),
// read back: the network's IR, its input normalisation and the tile window. Browser-safe: the
// CLI (src/app/eval/onnx-predictor.ts) and the playground's network page read .onnx files
// with it, so both segment with the same settings.
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';
import { validateModel } from '../../language/ir/validate.ts';
import { legalExtents } from '../../language/shapes/legal.ts';
import type { ModelProto } from './decode.ts';

/** An exported network, ready for segmentImage but for its Predictor. */
export interface OnnxModelInfo {
  ir: Model;
  normalizer: Normalizer;
  /** The overlap-tile window (tileWindow). */
  window: number[];
  /** Every metadata entry, by key. */
  metadata: Map<string, string>;
}

/** The metadata of an ONNX file as a map (unet.* keys written by src/backends/onnx/export.ts). */
export function metadataOf(model: ModelProto): Map<string, string> {
  return new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}

/** 'unit' | 'image' | 'dataset' (no statistics: a spec export) or a fitted Normalizer as JSON. */
function parseNormalizer(text: string | undefined, name: string): Normalizer {
  if (text === undefined || text === 'unit' || text === 'image') return { mode: (text ?? 'unit') as Normalizer['mode'] };
  if (text === 'dataset') throw new Error(`${name}: exported from a spec with 'normalize dataset' but without a run's statistics; export the run directory instead`);
  return JSON.parse(text) as Normalizer;
}

/** The network's IR, stored whole in the `unet.ir` metadata by `unet export`. */
function irOf(meta: Map<string, string>, name: string): Model {
  const ir = meta.get('unet.ir');
  if (ir === undefined) throw new Error(`${name}: no 'unet.ir' metadata: only files written by \`unet export\` can be used here`);
  try {
    return validateModel(JSON.parse(ir));
  } catch (error) {
    throw new Error(`${name}: its 'unet.ir' metadata is not valid IR: ${(error as Error).message}`);
  }
}

/** Tile window when an ONNX file does not fix one: the training crop, else the first legal size from 256 up. */
export function tileWindow(ir: Model): number[] {
  const fixed = ir.input.size;
  if (fixed.every((s) => s !== null)) return fixed as number[];
  if (ir.train.crop !== null) return ir.train.crop;
  const [s] = legalExtents(ir.legalSizes, 1, 256);
  return fixed.map(() => s!);
}

/** IR, normaliser and window of a file written by `unet export`; other files are refused naming `name`. */
export function onnxModelInfo(model: ModelProto, name: string): OnnxModelInfo {
  const metadata = metadataOf(model);
  const ir = irOf(metadata, name);
  return { ir, normalizer: parseNormalizer(metadata.get('unet.input_normalization'), name), window: tileWindow(ir), metadata };
}
