// A Predictor (src/app/train/predictor.ts) for an exported ONNX file, run in
// onnxruntime: the same tiling and scoring as a run directory, without TensorFlow.js.
// The network's IR, normalisation and tile window come from the metadata `unet export` stores
// in the file (src/backends/onnx/metadata.ts, which the playground's network page shares).
import { dirname, resolve } from 'node:path';
import { onnxModelInfo } from '../../backends/onnx/metadata.ts';
import { onnxPredictor } from '../../backends/onnx/predictor.ts';
import { createSession, runSession } from '../../backends/onnx/runtime.ts';
import { readOnnxFile } from '../../backends/onnx/read.ts';
import type { Predictor } from '../../data/segment.ts';
import { compileSource } from '../../language/compile.ts';
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';

export interface OnnxModel {
  ir: Model;
  /**
   * The spec as written, before training fixed its input size (it decides the image size of
   * builtin data); null when its `extends ... from` cannot be resolved beside the file.
   */
  specIr: Model | null;
  normalizer: Normalizer;
  /** The overlap-tile window: the file's fixed size, the training crop, or a legal size from 256 up. */
  window: number[];
  predictor: Predictor;
}

function specIrOf(meta: Map<string, string>, path: string): Model | null {
  const spec = meta.get('unet.spec');
  if (spec === undefined) return null;
  return compileSource(spec, resolve(dirname(path), meta.get('unet.spec_file') ?? 'model.unet')).model;
}

/** Opens an ONNX file written by `unet export`; other files are refused by name. */
export async function openOnnxModel(path: string): Promise<OnnxModel> {
  const { bytes, model: proto } = await readOnnxFile(path);
  const { ir, normalizer, window, metadata } = onnxModelInfo(proto, path);
  const session = await createSession(bytes);
  const predictor = onnxPredictor((input) => runSession(session, input), ir.input.channels);
  return { ir, specIr: specIrOf(metadata, path), normalizer, window, predictor };
}
