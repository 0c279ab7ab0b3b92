// Validation reads each batch back once (loss and predicted classes together), with the same
// figures as reading them one by one.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluate, predictedClasses } from '../../../../src/backends/tfjs/train/evaluate.ts';
import { lossFunction } from '../../../../src/backends/tfjs/train/losses.ts';
import { diceScores } from '../../../../src/metrics/dice.ts';
import { tinyData, tinyModel } from './helpers.ts';

await tf.setBackend('cpu');

afterEach(() => vi.restoreAllMocks());

describe('evaluate', () => {
  it('reads back once per batch, and its loss and Dice are those of the batch read separately', async () => {
    const model = tinyModel();
    const { val } = tinyData(); // 4 samples
    const loss = lossFunction('ce');
    const reads = vi.spyOn(tf.Tensor.prototype, 'data');
    const result = await evaluate(model, val, loss, 3, 2); // batches of 3 and 1
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockRestore();

    // The same figures, the plain way, one sample at a time.
    let lossSum = 0;
    let diceSum = 0;
    for (const s of val) {
      const x = tf.tensor(s.image.data, [1, s.image.height, s.image.width, 1]);
      const labels = tf.tensor(s.mask.data, [1, s.mask.height, s.mask.width], 'int32');
      const [l, pred] = tf.tidy(() => {
        const probs = model.predict(x) as tf.Tensor;
        return [loss(probs, labels).dataSync()[0], predictedClasses(probs).dataSync()];
      });
      lossSum += l as number;
      diceSum += diceScores({ height: s.mask.height, width: s.mask.width, data: Uint8Array.from(pred as Int32Array) }, s.mask, 2)[1];
      tf.dispose([x, labels]);
    }
    expect(result.loss).toBeCloseTo(lossSum / val.length, 5);
    expect(result.dice).toBeCloseTo(diceSum / val.length, 10);
  });
});
