// Saving and loading tfjs models in a directory, in the tfjs layers format (model.json +
// one binary weights file). model.save('file://') needs tfjs-node (docs/facts.md#tfjs-limits), so
// this writes the artifacts itself through tf.io.withSaveHandler and reads them back
// through tf.io.fromMemory.
//
// Atomic for readers: the weights go to a file named by their content hash, and
// model.json, which names that file, is replaced last by a rename. A reader sees either
// the old model or the new one, never a mix; a crash leaves at most an unreferenced file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
// Registers the custom layers, which deserialising a saved topology needs.
import './layers/index.ts';

export const MODEL_JSON = 'model.json';
const WEIGHTS_FILE = /^weights\.[0-9a-f]+\.bin$/;

export interface SaveOptions {
  /** Also save the optimizer's state (the model must be compiled). */
  includeOptimizer?: boolean;
}

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temp, data);
  await rename(temp, path);
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
  await writeAtomically(join(dir, weightsFile), weights);
  await writeAtomically(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
  for (const name of await readdir(dir)) {
    if (WEIGHTS_FILE.test(name) && name !== weightsFile) await rm(join(dir, name), { force: true });
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

/** Loads a model saved by saveModel (or any tfjs layers model directory with one weights group). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const path = join(dir, MODEL_JSON);
  let modelJSON: tf.io.ModelJSON;
  try {
    modelJSON = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the tfjs model ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(
      manifest.flatMap((group) => group.paths).map(async (file) => {
        const bytes = await readFile(join(dir, file));
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }),
    );
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
