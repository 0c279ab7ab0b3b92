// Saving and loading tfjs models in a directory, in the tfjs layers format (model.json +
// one binary weights file). model.save('file://') needs tfjs-node (docs/facts.md#tfjs-limits), so
// this writes the artifacts itself through tf.io.withSaveHandler and reads them back
// through tf.io.fromMemory.
//
// Atomic for readers: the weights go to a file named by their content hash, and
// model.json, which names that file, is replaced last by a rename. A reader sees either
// the old model or the new one, never a mix; a crash leaves at most an unreferenced file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isTempName, writeFileAtomic } from '../../io/atomic.ts';
import { expectThat, readBinaryFile, readJsonFile, sizeOf, type ExpectedSize } from '../../io/read-file.ts';
// Registers the custom layers, which deserialising a saved topology needs.
import './layers/index.ts';

export const MODEL_JSON = 'model.json';
const WEIGHTS_FILE = /^weights\.[0-9a-f]+\.bin$/;

export interface SaveOptions {
  /** Also save the optimizer's state (the model must be compiled). */
  includeOptimizer?: boolean;
}

async function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
  const weightsFile = `weights.${createHash('sha256').update(weights).digest('hex').slice(0, 16)}.bin`;
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    trainingConfig: artifacts.trainingConfig,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
  };
  await mkdir(dir, { recursive: true });
  writeFileAtomic(join(dir, weightsFile), weights);
  writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
  // Earlier weights and what a crash left of an earlier save.
  for (const name of await readdir(dir)) {
    if ((WEIGHTS_FILE.test(name) && name !== weightsFile) || isTempName(name)) await rm(join(dir, name), { force: true });
  }
}

/** Saves the model (topology and weights, optionally optimizer state) into `dir`. */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveOptions = {}): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      await writeArtifacts(dir, artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { includeOptimizer: options.includeOptimizer ?? false },
  );
}

/** Bytes per value of a saved weight (tfjs weight specs); null when the size cannot be told (quantized, strings). */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number | null {
  if (spec.quantization || spec.dtype === 'string') return null;
  return spec.dtype === 'bool' ? 1 : 4;
}

/** What a one-file weights group must hold, from its specs; undefined when it cannot be told. */
function expectedGroupSize(specs: tf.io.WeightsManifestEntry[]): ExpectedSize | undefined {
  let values = 0;
  for (const spec of specs) {
    if (bytesPerValue(spec) !== 4) return undefined;
    values += spec.shape.reduce((a, b) => a * b, 1);
  }
  return sizeOf(values);
}

function asModelJson(value: unknown): tf.io.ModelJSON {
  const m = value as Partial<tf.io.ModelJSON> | null;
  expectThat(typeof m?.modelTopology === 'object' && m.modelTopology !== null, '`modelTopology` is missing');
  expectThat(Array.isArray(m!.weightsManifest) && m!.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights)), '`weightsManifest` must be a list of {paths, weights}');
  return m as tf.io.ModelJSON;
}

/** The files of a saved model, relative to its folder: model.json and the weights files it names (read and checked as loadModel reads it). */
export async function modelFiles(dir: string): Promise<string[]> {
  const modelJSON = await readJsonFile(join(dir, MODEL_JSON), 'a tfjs layers model', asModelJson);
  return [MODEL_JSON, ...modelJSON.weightsManifest.flatMap((group) => group.paths)];
}

/** Loads a model saved by saveModel (or any tfjs layers model directory with one weights group). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const modelJSON = await readJsonFile(join(dir, MODEL_JSON), 'a tfjs layers model', asModelJson);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(
      manifest.flatMap((group) =>
        group.paths.map(async (file) => {
          const expected = group.paths.length === 1 ? expectedGroupSize(group.weights) : undefined;
          const bytes = await readBinaryFile(join(dir, file), "the model's weights", expected);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        }),
      ),
    );
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
