// Training on the webgpu engine (SwiftShader, test/helpers/webgpu.ts) against the cpu
// engine: the same network, weights and batches give the same loss curve and validation
// Dice within float tolerance, and steps leak neither tensors nor GPU buffers.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectEngine } from '../../../src/backends/tfjs/engines.ts';
import { READ_LAG, TrainingLoop, type EpochRecord } from '../../../src/backends/tfjs/train/loop.ts';
import { hasWebGpu, noWebGpu } from '../../helpers/webgpu.ts';
import { asIs, tinyConfig, tinyData, tinyModel } from './train/helpers.ts';

/** Trains the tiny net from the same initial weights (made on cpu) on `engine`; the epoch records and per-step counts. */
async function train(engine: 'cpu' | 'webgpu', initial: tf.Tensor[] | null) {
  await selectEngine(engine);
  const model = tinyModel();
  if (initial) model.setWeights(initial);
  const counts: { tensors: number; gpuBytes: number; ahead: number }[] = [];
  let submitted = 0;
  const records: EpochRecord[] = [];
  const memory = () => tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  const loop = new TrainingLoop({
    model,
    // SGD, not the tiny config's Adam: the first conv's bias feeds batch norm, so its
    // gradient is zero up to rounding, and Adam (g / sqrt(v)) turns that rounding noise
    // into full-size steps that differ between any two engines.
    config: tinyConfig({ epochs: 3, optimizer: { ...tinyConfig().optimizer, kind: 'sgd', lr: 0.1 } }),
    classes: 2,
    ...tinyData(),
    prepare: asIs,
    onStep: (info) => void counts.push({ tensors: memory().numTensors, gpuBytes: memory().numBytesInGPU ?? 0, ahead: submitted - (info.epoch * info.steps + info.step) }),
    onEpoch: async (r) => void records.push(r),
  });
  const step = loop.step.bind(loop);
  loop.step = (...args) => {
    submitted += 1;
    return step(...args);
  };
  await loop.run();
  model.dispose();
  return { records, counts };
}

describe.skipIf(!hasWebGpu)(`training on webgpu${noWebGpu ? ` (skipped: ${noWebGpu})` : ''}`, { timeout: 120_000 }, () => {
  it('follows the cpu engine\'s loss curve and Dice; no tensor or GPU buffer growth across steps', async () => {
    await selectEngine('cpu');
    const initial = tinyModel().getWeights().map((w) => tf.tensor(w.dataSync(), w.shape));
    const cpu = await train('cpu', initial);
    const gpu = await train('webgpu', initial.map((w) => tf.tensor(w.dataSync(), w.shape)));
    expect(gpu.records).toHaveLength(3);
    gpu.records.forEach((r, i) => {
      expect(r.loss).toBeCloseTo(cpu.records[i].loss, 4);
      expect(r.valLoss).toBeCloseTo(cpu.records[i].valLoss!, 4);
      expect(r.valDice).toBeCloseTo(cpu.records[i].valDice!, 3);
    });
    // Once the pools are warm (after epoch 1), the counts at the same step of each epoch
    // (the same number of losses in flight) are equal: nothing grows from step to step.
    const [, second, third] = [0, 1, 2].map((e) => gpu.counts.slice(3 * e, 3 * e + 3));
    expect(third.map((c) => [c.tensors, c.gpuBytes])).toEqual(second.map((c) => [c.tensors, c.gpuBytes]));
    const steady = third;
    expect(steady[0].gpuBytes).toBeGreaterThan(0);
    // At most READ_LAG steps run ahead of the loss readings on webgpu, none on cpu.
    expect(Math.max(...gpu.counts.map((c) => c.ahead))).toBeLessThanOrEqual(READ_LAG);
    expect(Math.max(...cpu.counts.map((c) => c.ahead))).toBe(0);
  });
});
