// The loop's batch queue: batches asked for ahead (across epoch ends, never past the last epoch
// of a run without a budget), and a source that prepares ahead trains exactly as on demand.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchQueue, synchronousSource, type SampleSource } from '../../../../src/backends/tfjs/train/batch-source.ts';
import { augmentRng } from '../../../../src/backends/tfjs/train/prepare.ts';
import { epochOrder } from '../../../../src/backends/tfjs/train/batches.ts';
import type { Prepared } from '../../../../src/backends/tfjs/train/batches.ts';
import type { Sample } from '../../../../src/data/types.ts';
import type { Random } from '../../../../src/data/random.ts';
import { TrainingLoop, type EpochRecord } from '../../../../src/backends/tfjs/train/loop.ts';
import { asIs, flatWeights, tinyConfig, tinyData, tinyModel } from './helpers.ts';

await tf.setBackend('cpu');

/** A source that records what it is asked for and answers on a later turn of the event loop. */
function recording(ahead: number): SampleSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    ahead,
    asked,
    prepare: (epoch, indices) => {
      asked.push(`${epoch}:${indices.join(',')}`);
      return new Promise((resolve) => setTimeout(() => resolve(indices.map(() => ({ image: null, mask: null, weights: null }) as unknown as Prepared)), 1));
    },
  };
}

describe('batch queue', () => {
  it('asks for the next batches ahead, across the epoch end, and not past the last epoch', async () => {
    const source = recording(2);
    // 6 samples in batches of 4: 2 steps an epoch, 2 epochs.
    const queue = new BatchQueue(source, 6, { batch: 4, seed: 7, epochs: 2 });
    const order = (e: number) => epochOrder(6, 7, e);
    await queue.next(0, 0);
    expect(source.asked).toEqual([`0:${order(0).slice(0, 4)}`, `0:${order(0).slice(4)}`, `1:${order(1).slice(0, 4)}`]);
    await queue.next(0, 1);
    await queue.next(1, 0);
    await queue.next(1, 1);
    // Each batch asked for once; nothing of epoch 2.
    expect(source.asked).toHaveLength(4);
  });

  it('with a time budget asks on into the next epoch; clear() forgets what was asked ahead', async () => {
    const source = recording(1);
    const queue = new BatchQueue(source, 4, { batch: 4, seed: 7, epochs: 1, time: 60 });
    await queue.next(0, 0);
    expect(source.asked.map((a) => a.split(':')[0])).toEqual(['0', '1']);
    queue.clear();
    await queue.next(1, 0);
    expect(source.asked.map((a) => a.split(':')[0])).toEqual(['0', '1', '1', '2']);
  });

  it('the synchronous source prepares sample i of epoch e with augmentRng(seed, e, i)', async () => {
    const { train } = tinyData();
    const seen: number[] = [];
    const prepare = (s: Sample, rng: Random) => (seen.push(rng.nextUint32()), asIs(s));
    await synchronousSource(train, prepare, 7).prepare(3, [5, 2]);
    expect(seen).toEqual([augmentRng(7, 3, 5).nextUint32(), augmentRng(7, 3, 2).nextUint32()]);
  });

  it('a source that prepares ahead and answers late trains to the same losses and weights as on demand', async () => {
    const run = async (ahead: boolean) => {
      let asked = 0;
      const data = tinyData();
      const config = tinyConfig({ epochs: 3, augment: { ...tinyConfig().augment, flip: true, brightness: 0.2 } });
      // A prepare that uses its generator, so a wrong one would show in the weights.
      const prepare = (s: Sample, rng: Random): Prepared => {
        const shift = rng.uniform(-0.2, 0.2);
        return { image: { ...s.image, data: s.image.data.map((v) => v + shift) }, mask: s.mask, weights: null };
      };
      const onDemand = synchronousSource(data.train, prepare, config.seed);
      const late: SampleSource<Sample> = { ahead: 2, prepare: (e, i) => (asked++, new Promise((resolve) => setTimeout(() => resolve(onDemand.prepare(e, i)), 5))) };
      const records: EpochRecord[] = [];
      const model = tinyModel();
      await new TrainingLoop({ model, config, classes: 2, ...data, prepare, ...(ahead && { source: late }), onEpoch: async (r) => void records.push(r) }).run();
      return { losses: records.map((r) => [r.loss, r.valLoss]), weights: flatWeights(model), asked };
    };
    const [a, b] = [await run(false), await run(true)];
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
    // 12 training samples in batches of 4: 3 steps an epoch, 3 epochs, each batch asked for once.
    expect(b.asked).toBe(9);
  });

  it('stopped mid-epoch with batches asked for ahead, a resumed run ends where a straight one does', async () => {
    const config = tinyConfig({ epochs: 2 });
    const data = tinyData();
    const late = (): SampleSource<Sample> => {
      const here = synchronousSource(data.train, asIs, config.seed);
      return { ahead: 2, prepare: (e, i) => new Promise((resolve) => setTimeout(() => resolve(here.prepare(e, i)), 5)) };
    };
    const straight = tinyModel();
    await new TrainingLoop({ model: straight, config, classes: 2, ...data, prepare: asIs }).run();

    const model = tinyModel();
    let steps = 0;
    const first: TrainingLoop = new TrainingLoop({ model, config, classes: 2, ...data, prepare: asIs, source: late(), onStep: () => void (++steps === 2 && first.stop()) });
    expect(await first.run()).toEqual({ stopped: true });
    const state = first.getState();
    expect([state.epoch, state.step]).toEqual([0, 2]);
    await new TrainingLoop({ model, config, classes: 2, ...data, prepare: asIs, source: late() }, state).run();
    expect(flatWeights(model)).toEqual(flatWeights(straight));
  });
});
