// `unet train --init RUN|MODEL.onnx`: training starts from the weights of an earlier run
// (its best checkpoint, as predict uses) or of an ONNX file (matched to the spec by graph
// position, as `unet import` does), with a fresh optimizer and schedule: fine-tuning.
import { existsSync, statSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { weightsFromOnnx } from '../../backends/onnx/import.ts';
import { readOnnxFile } from '../../backends/onnx/read.ts';
import { setTfjsWeights } from '../../backends/tfjs/weights.ts';
import type { Model } from '../../language/ir/types.ts';
import { loadCheckpoint } from '../../backends/tfjs/train/checkpoint.ts';
import { predictionCheckpoint } from './predictor.ts';

/** Writes the weights of `source` into model (built from ir); errors name the source. */
export async function initWeights(model: tf.LayersModel, ir: Model, source: string): Promise<void> {
  if (!existsSync(source)) throw new Error(`--init ${source}: does not exist (expected a run directory or an .onnx file)`);
  if (statSync(source).isDirectory()) {
    // Only the weights: the loop state and optimizer slots of that run are not carried over.
    await loadCheckpoint(predictionCheckpoint(source), model);
    return;
  }
  if (!source.toLowerCase().endsWith('.onnx')) throw new Error(`--init ${source}: expected a run directory or an .onnx file`);
  const { model: onnx } = await readOnnxFile(source);
  setTfjsWeights(model, ir, weightsFromOnnx(ir, onnx));
}
