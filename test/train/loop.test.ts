// The training loop on a tiny network and builtin:ellipses at 16x16, on the cpu engine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../backends/tfjs/train/checkpoint.ts';
import { TrainingLoop, type EpochRecord, type LoopOptions } from '../../backends/tfjs/train/loop.ts';
import { asIs, flatWeights, tinyConfig, tinyData, tinyModel } from './helpers.ts';
import { checkpointDir } from '../../src/io/checkpoints.ts';

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
});
