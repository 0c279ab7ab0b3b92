// A tfjs Predictor (src/data/segment.ts) from a model already in memory: loaded from a run's
// checkpoint by the CLI, or from files dropped into the playground. Browser-safe.
import * as tf from '@tensorflow/tfjs';
import type { Predictor } from '../../data/segment.ts';
import type { Model } from '../../language/ir/types.ts';
import { rebuildForSize } from './build.ts';

/**
 * Runs `trained` (the network of `ir` at its training size), rebuilt with the same weights for
 * each other input size it meets: valid-padding crops make tfjs models size-specific.
 */
export function modelPredictor(trained: tf.LayersModel, ir: Model): Predictor {
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
