// The training loop on a tiny network and builtin:ellipses at 16x16, on the cpu engine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../../../src/backends/tfjs/train/checkpoint.ts';
import { EPOCH_END_SHARE, TrainingLoop, type EpochRecord, type LoopOptions } from '../../../../src/backends/tfjs/train/loop.ts';
import { asIs, flatWeights, tinyConfig, tinyData, tinyModel } from './helpers.ts';
import { checkpointDir } from '../../../../src/io/checkpoints.ts';

await tf.setBackend('cpu');

function options(overrides: Partial<LoopOptions> = {}): LoopOptions {
  const data = tinyData();
  return { model: tinyModel(), config: tinyConfig(), classes: 2, ...data, prepare: asIs, ...overrides };
}

describe('training loop', () => {
  it('reduces the loss in a few epochs', async () => {
    const records: EpochRecord[] = [];
    const loop = new TrainingLoop(options({ config: tinyConfig({ epochs: 4 }), onEpoch: async (r) => void records.push(r) }));
    await loop.run();
    expect(records.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(records[3].loss).toBeLessThan(records[0].loss);
    for (const r of records) {
      expect(r.valDice).toBeGreaterThanOrEqual(0);
      expect(r.valDice).toBeLessThanOrEqual(1);
    }
  });

  it('updates batch-norm moving statistics in training mode', async () => {
    const o = options({ config: tinyConfig({ epochs: 1 }) });
    const mean = () => o.model.getLayer('enc1.norm1').getWeights()[2].dataSync().slice();
    const before = mean();
    await new TrainingLoop(o).run();
    expect(Array.from(mean())).not.toEqual(Array.from(before));
  });

  it('is deterministic: same seed, same data, cpu => identical weights', async () => {
    const a = options();
    const b = options();
    await new TrainingLoop(a).run();
    await new TrainingLoop(b).run();
    expect(flatWeights(a.model)).toEqual(flatWeights(b.model));
    const c = options({ config: tinyConfig({ seed: 8 }) });
    await new TrainingLoop(c).run();
    expect(flatWeights(c.model)).not.toEqual(flatWeights(a.model));
  });

  it('does not leak tensors from step to step', async () => {
    const counts: number[] = [];
    // Counted after each step, so validation at the end of each epoch is covered too.
    const o = options({ config: tinyConfig({ epochs: 3 }), onStep: () => void counts.push(tf.memory().numTensors) });
    await new TrainingLoop(o).run();
    expect(counts.length).toBe(9);
    expect(new Set(counts).size).toBe(1);
  });

  it('resume from a checkpoint equals an uninterrupted run, also after a mid-epoch stop', async () => {
    const straight = options({ config: tinyConfig({ epochs: 3 }) });
    await new TrainingLoop(straight).run();

    const dir = mkdtempSync(join(tmpdir(), 'unet-ckpt-'));
    // Stop (as SIGINT does) after epoch 1 and one more step, then checkpoint.
    let steps = 0;
    const first = options({ config: tinyConfig({ epochs: 3 }) });
    const loop = new TrainingLoop({ ...first, onStep: () => void (++steps === 4 && loop.stop()) });
    expect(await loop.run()).toEqual({ stopped: true });
    await saveCheckpoint(dir, first.model, loop.getState());

    const second = options({ config: tinyConfig({ epochs: 3 }), model: tinyModel(16, 1, 2, 99) });
    const state = await loadCheckpoint(checkpointDir(dir, 'last'), second.model);
    expect(state.epoch).toBe(1);
    expect(state.step).toBe(1);
    const resumed = new TrainingLoop(second, state);
    expect(await resumed.run()).toEqual({ stopped: false });
    expect(flatWeights(second.model)).toEqual(flatWeights(straight.model));
    expect(resumed.getState().history.length).toBe(3);
  });

  it('with a time budget, trains past the epoch count until the budget is spent, then validates once more and ends', async () => {
    const records: EpochRecord[] = [];
    const stepEnds: number[] = [];
    const budget = 1.5;
    const config = tinyConfig({ epochs: 1, time: budget, schedule: { kind: 'cosine', patience: 2, factor: 0.5, power: 0.9, minLr: 0 } });
    const loop = new TrainingLoop(options({ config, onStep: () => void stepEnds.push(performance.now()), onEpoch: async (r) => void records.push(r) }));
    expect(await loop.run()).toEqual({ stopped: false, budgetReached: true });
    const elapsed = loop.getState().elapsed!;
    expect(elapsed).toBeGreaterThanOrEqual(budget);
    // It stops at the first step boundary past the budget: at most one step and the final validation late.
    const longestStep = Math.max(...stepEnds.slice(1).map((t, i) => t - stepEnds[i])) / 1000;
    const spent = loop.timeSpent();
    expect(elapsed - budget).toBeLessThan(2 * longestStep + spent.validation + 0.2);
    expect(records.length).toBeGreaterThan(1); // more than `epochs 1`
    // Cosine over the elapsed fraction: the rate falls from epoch to epoch, towards 0 at the end.
    const rates = records.map((r) => r.lr);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(rates.at(-1)!).toBeLessThan(0.02 * 0.1);
    expect(spent.step).toBeGreaterThan(0);
    expect(spent.validation).toBeGreaterThan(0);
    expect(spent.prepare + spent.step + spent.validation).toBeLessThanOrEqual(elapsed);
  });

  it('with a time budget, validates (and checkpoints) only when due: the first and last epoch, and at most 2 % of the time', async () => {
    const records: EpochRecord[] = [];
    // As `unet train` does, a validated epoch ends with a checkpoint: here a slow one (200 ms,
    // a large net on a slow disk) against epochs of milliseconds. After the first, the
    // validation share stays above 2 % for the whole 2.5 s budget: no other epoch is validated
    // before the last (each validation would cost 200 ms of at most 50 ms allowed).
    const onEpoch = async (r: EpochRecord) => {
      records.push(r);
      if (r.valDice !== null) await new Promise((done) => setTimeout(done, 200));
    };
    const loop = new TrainingLoop(options({ config: tinyConfig({ time: 2.5 }), onEpoch }));
    expect(await loop.run()).toEqual({ stopped: false, budgetReached: true });
    expect(records.length).toBeGreaterThan(2);
    expect(records.map((r) => r.valDice !== null)).toEqual(records.map((_, i) => i === 0 || i === records.length - 1));
    for (const r of records.slice(1, -1)) expect([r.valLoss, r.valDice, r.valIoU]).toEqual([null, null, null]);
    const spent = loop.timeSpent();
    expect(spent.checkpoint).toBeGreaterThanOrEqual(0.4);
    expect(EPOCH_END_SHARE).toBe(0.02);
  });

  it('with a time budget and cheap epoch ends, validates every so often, keeping them near the share allowed', async () => {
    const records: EpochRecord[] = [];
    const onEpoch = async (r: EpochRecord) => {
      records.push(r);
      if (r.valDice !== null) await new Promise((done) => setTimeout(done, 20));
    };
    // A share of 10 % rather than the default 2 %: in a 2 s budget, ends of 20-100 ms (a loaded
    // machine) still leave room for validations between the first and the last.
    const share = 0.1;
    const loop = new TrainingLoop(options({ config: tinyConfig({ time: 2 }), onEpoch, epochEndShare: share }));
    await loop.run();
    const validated = records.filter((r) => r.valDice !== null);
    const spent = loop.timeSpent();
    const oneEnd = (spent.validation + spent.checkpoint) / validated.length;
    expect(validated.length).toBeGreaterThan(2);
    // The share is checked before each epoch end, so it is exceeded by at most one end (and the final one).
    expect(spent.validation + spent.checkpoint).toBeLessThanOrEqual(share * loop.getState().elapsed! + 2 * oneEnd);
  });

  it('a resumed budgeted run counts the time spent before: with its budget spent, it ends at once', async () => {
    const config = tinyConfig({ time: 0.3 });
    const first = options({ config });
    const loop = new TrainingLoop(first);
    await loop.run();
    const state = loop.getState();
    const again = new TrainingLoop(options({ config, model: first.model }), state);
    expect(await again.run()).toEqual({ stopped: false, budgetReached: true });
    expect(again.getState().history.length).toBe(state.history.length);
  });
});
