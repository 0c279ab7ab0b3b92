// The seam between prediction and an engine: a Predictor runs the network on a batch of
// NHWC images and returns NHWK probabilities. This file gives the tfjs one; an ONNX
// Predictor plugs into the same place.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../../../src/ir/types.ts';
import { withInputSize } from '../../../src/shapes/infer.ts';
import { lowerModel } from '../lower.ts';
import { loadCheckpoint } from './checkpoint.ts';
import { runPaths } from './run-dir.ts';

/** Runs n images of h x w (NHWC, the run's channels); resolves to n x h' x w' x K probabilities. */
export type Predictor = (batch: Float32Array, n: number, h: number, w: number) => Promise<Float32Array>;

/** The checkpoint predict uses: best/ (best validation Dice), else last/. */
export function predictionCheckpoint(runDir: string): string {
  const { best, last } = runPaths(runDir);
  if (existsSync(best)) return best;
  if (existsSync(last)) return last;
  throw new Error(`${runDir}: no checkpoint yet (neither best/ nor last/ exists)`);
}

/**
 * A tfjs Predictor for a run: the network is built from the run's IR for each input size it
 * meets (tfjs layers models have fixed sizes where cropping is involved) and gets the
 * checkpoint's weights.
 */
export function tfjsPredictor(ir: Model, checkpoint: string): Predictor {
  const models = new Map<string, Promise<tf.LayersModel>>();
  const modelFor = (h: number, w: number) => {
    const key = `${h}x${w}`;
    if (!models.has(key)) {
      models.set(key, (async () => {
        const model = lowerModel(withInputSize(ir, [h, w]), { initialize: false }).model;
        await loadCheckpoint(checkpoint, model);
        return model;
      })());
    }
    return models.get(key)!;
  };
  return async (batch, n, h, w) => {
    const model = await modelFor(h, w);
    const x = tf.tensor4d(batch, [n, h, w, ir.input.channels]);
    const y = model.predict(x) as tf.Tensor;
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, y]);
    return out;
  };
}
