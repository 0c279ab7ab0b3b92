// The training loop reading losses a few steps late (what the webgpu engine does, so the
// GPU keeps work queued): with readbacks that take a while, up to readLag steps are
// submitted before the oldest loss is read, and the epoch records equal those of a loop
// that reads every loss at once. On the cpu engine with a slowed-down step().
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrainingLoop, type EpochRecord } from '../../../../src/backends/tfjs/train/loop.ts';
import { asIs, tinyConfig, tinyData, tinyModel } from './helpers.ts';

await tf.setBackend('cpu');

async function train(readLag: number) {
  const records: EpochRecord[] = [];
  const ahead: number[] = [];
  let submitted = 0;
  const loop = new TrainingLoop({
    model: tinyModel(),
    config: tinyConfig({ epochs: 2 }),
    classes: 2,
    ...tinyData(),
    prepare: asIs,
    readLag,
    onStep: (info) => void ahead.push(submitted - (info.epoch * info.steps + info.step)),
    onEpoch: async (r) => void records.push(r),
  });
  const step = loop.step.bind(loop);
  // A slow readback, as a GPU's: step k's loss arrives when step k + readLag is submitted
  // (or, for the last steps of an epoch, which nothing follows, a second later).
  const release: (() => void)[] = [];
  loop.step = (...args) => {
    submitted += 1;
    release[submitted - 1 - readLag]?.();
    return step(...args).then((v) => new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(v), readLag > 0 ? 1000 : 0);
      release.push(() => {
        clearTimeout(timer);
        resolve(v);
      });
    }));
  };
  await loop.run();
  return { records, ahead };
}

describe('reading losses late', () => {
  it('runs up to readLag steps ahead and records the same epochs as reading at once', async () => {
    const late = await train(2);
    const atOnce = await train(0);
    expect(Math.max(...late.ahead)).toBe(2);
    expect(Math.max(...atOnce.ahead)).toBe(0);
    const numbers = (r: EpochRecord) => [r.loss, r.valLoss, r.valDice, r.valIoU];
    expect(late.records.map(numbers)).toEqual(atOnce.records.map(numbers));
  });
});
