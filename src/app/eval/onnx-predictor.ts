// A Predictor (src/app/train/predictor.ts) for an exported ONNX file, run in
// onnxruntime: the same tiling and scoring as a run directory, without TensorFlow.js.
// The network's IR comes from the `unet.ir` metadata that `unet export` stores in the file,
// its input normalisation from `unet.input_normalization`.
import { dirname, resolve } from 'node:path';
import { createSession, runSession } from '../../backends/onnx/runtime.ts';
import type { ModelProto } from '../../backends/onnx/proto.ts';
import { readOnnxFile } from '../../backends/onnx/read.ts';
import type { Predictor } from '../../data/segment.ts';
import { compileSource } from '../../language/compile.ts';
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';
import { validateModel } from '../../language/ir/validate.ts';

export interface OnnxModel {
  ir: Model;
  /**
   * The spec as written, before training fixed its input size (it decides the image size of
   * builtin data); null when its `extends ... from` cannot be resolved beside the file.
   */
  specIr: Model | null;
  normalizer: Normalizer;
  predictor: Predictor;
}

/** The metadata of an ONNX file as a map (unet.* keys written by src/backends/onnx/export.ts). */
function metadataOf(model: ModelProto): Map<string, string> {
  return new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}

/** 'unit' | 'image' | 'dataset' (no statistics: a spec export) or a fitted Normalizer as JSON. */
function parseNormalizer(text: string | undefined, path: string): Normalizer {
  if (text === undefined || text === 'unit' || text === 'image') return { mode: (text ?? 'unit') as Normalizer['mode'] };
  if (text === 'dataset') throw new Error(`${path}: exported from a spec with 'normalize dataset' but without a run's statistics; export the run directory instead`);
  return JSON.parse(text) as Normalizer;
}

/** Channel-last -> channel-first for one batch (NHWC -> NCHW, NDHWC -> NCDHW): s spatial positions per item. */
function toChannelsFirst(data: Float32Array, n: number, s: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < s; p++)
      for (let k = 0; k < c; k++) out[(b * c + k) * s + p] = data[(b * s + p) * c + k];
  return out;
}

/** Channel-first -> channel-last for one batch of dims [n, c, ...spatial]. */
function toChannelsLast(data: Float32Array, [n, c, ...spatial]: number[]): Float32Array {
  const s = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < s; p++) out[(b * s + p) * c + k] = data[(b * c + k) * s + p];
  return out;
}

/** The network's IR, stored whole in the `unet.ir` metadata by `unet export`. */
function irOf(meta: Map<string, string>, path: string): Model {
  const ir = meta.get('unet.ir');
  if (ir === undefined) throw new Error(`${path}: no 'unet.ir' metadata: only files written by \`unet export\` can be used here`);
  try {
    return validateModel(JSON.parse(ir));
  } catch (error) {
    throw new Error(`${path}: its 'unet.ir' metadata is not valid IR: ${(error as Error).message}`);
  }
}

function specIrOf(meta: Map<string, string>, path: string): Model | null {
  const spec = meta.get('unet.spec');
  if (spec === undefined) return null;
  return compileSource(spec, resolve(dirname(path), meta.get('unet.spec_file') ?? 'model.unet')).model;
}

/** Opens an ONNX file written by `unet export`; other files are refused by name. */
export async function openOnnxModel(path: string): Promise<OnnxModel> {
  const { bytes, model: proto } = await readOnnxFile(path);
  const meta = metadataOf(proto);
  const model = irOf(meta, path);
  const session = await createSession(bytes);
  const channels = model.input.channels;
  const predictor: Predictor = async (batch, n, ...size) => {
    const s = size.reduce((a, b) => a * b, 1);
    const out = await runSession(session, { data: toChannelsFirst(batch, n, s, channels), dims: [n, channels, ...size] });
    return toChannelsLast(out.data, out.dims);
  };
  return { ir: model, specIr: specIrOf(meta, path), normalizer: parseNormalizer(meta.get('unet.input_normalization'), path), predictor };
}
