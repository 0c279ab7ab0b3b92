// The seam between prediction and an engine: a Predictor runs the network on a batch of
// NHWC images and returns NHWK probabilities. This file gives the tfjs one; an ONNX
// Predictor plugs into the same place.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../../language/ir/types.ts';
import { buildModel, rebuildForSize } from '../../backends/tfjs/build.ts';
import { loadCheckpoint } from '../../backends/tfjs/train/checkpoint.ts';
import { findCheckpoint } from '../../io/checkpoints.ts';

/**
 * Runs n images of h x w (NHWC, the run's channels), or n volumes of d x h x w (NDHWC);
 * resolves to n x h' x w' x K (n x d' x h' x w' x K) probabilities.
 */
export type Predictor = (batch: Float32Array, n: number, ...size: number[]) => Promise<Float32Array>;

/** The checkpoint predict uses: the best (best validation Dice), else the last. */
export function predictionCheckpoint(runDir: string): string {
  const dir = findCheckpoint(runDir, 'best') ?? findCheckpoint(runDir, 'last');
  if (dir === null) throw new Error(`${runDir}: no checkpoint yet (neither best.json nor last.json exists)`);
  return dir;
}

/**
 * A tfjs Predictor for a run: the network of the run's IR (at its training size) with the
 * checkpoint's weights, rebuilt for each other input size it meets (valid-padding crops
 * make tfjs models size-specific).
 */
export async function tfjsPredictor(ir: Model, checkpoint: string): Promise<Predictor> {
  const trained = buildModel(ir);
  await loadCheckpoint(checkpoint, trained);
  const models = new Map<string, tf.LayersModel>();
  const modelFor = (size: number[]) => {
    const key = size.join('x');
    if (!models.has(key)) models.set(key, rebuildForSize(trained, ir, size));
    return models.get(key)!;
  };
  return async (batch, n, ...size) => {
    const model = modelFor(size);
    const x = tf.tensor(batch, [n, ...size, ir.input.channels]);
    const y = model.predict(x) as tf.Tensor;
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, y]);
    return out;
  };
}
