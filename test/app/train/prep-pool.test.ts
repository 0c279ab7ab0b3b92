// Sample preparation in worker threads: bit for bit what the main thread prepares, the same
// training with it as without, and threads that end with the pool.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PrepPool } from '../../../src/app/train/prep-pool.ts';
import { preparersFor } from '../../../src/app/train/preparers.ts';
import { prepWorkers, prefetchRequest, PREFETCH_MIN_MS, stepCores } from '../../../src/app/train/prefetch.ts';
import { augmentRng } from '../../../src/backends/tfjs/train/prepare.ts';
import { buildModel } from '../../../src/backends/tfjs/build.ts';
import { TrainingLoop, type EpochRecord } from '../../../src/backends/tfjs/train/loop.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { makeEllipsoids } from '../../../src/data/ellipsoids.ts';
import type { Sample, VolumeSample } from '../../../src/data/types.ts';
import { compileSource } from '../../../src/language/compile.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { flatWeights, VALID_SPEC } from '../../backends/tfjs/train/helpers.ts';

await tf.setBackend('cpu');

// The valid-padding net (36 -> 20) on random crops with weighted CE; every augmentation that draws.
const compiled = compileSource(VALID_SPEC, 'valid.unet').model!;
const train = { ...compiled.train, batch: 2, epochs: 2, augment: { ...compiled.train.augment, elastic: { grid: 3, sigma: 4 }, rotate90: true, rotate: 10, shift: 0.1, brightness: 0.1, contrast: 0.1, gamma: 0.1 } };
const ir = withInputSize({ ...compiled, train }, [36, 36]);
const normalizer = { mode: 'unit' as const };
const samples: Sample[] = makeEllipses({ count: 8, size: 48, seed: 2 });

describe('sample preparation in worker threads', { timeout: 60_000 }, () => {
  it('prepares every sample bit for bit as the main thread does', async () => {
    const pool = new PrepPool<Sample>({ ir, normalizer, seed: train.seed, train: samples, workers: 2 });
    try {
      await pool.ready();
      const here = preparersFor(ir, normalizer);
      for (const epoch of [0, 3]) {
        const indices = [0, 5, 2, 7, 1];
        const prepared = await pool.prepare(epoch, indices);
        expect(prepared).toEqual(indices.map((i) => here.train(samples[i], augmentRng(train.seed, epoch, i))));
        expect(prepared[0].weights).toHaveLength(20 * 20);
      }
    } finally {
      await pool.dispose();
    }
  });

  it('prepares volumes of a 3D network as the main thread does (crop, flips, quarter turns, gray values)', async () => {
    const spec3d = `unet Tiny3D {
  input 1 x 8 x 8 x 8
  output 2 classes softmax
  depth 1
  filters 2 doubling
  padding same
  kernel 3x3x3
  down maxpool 2x2x2
  up transposed 2x2x2
  skip concat
  train {
    crop 8
    augment {
      flip
      rotate90
      brightness 0.1
    }
  }
}`;
    const model3d = compileSource(spec3d, 'tiny3d.unet').model!;
    const ir3d = withInputSize(model3d, [8, 8, 8]);
    const volumes = makeEllipsoids({ count: 3, size: 12, seed: 4 });
    const pool = new PrepPool<VolumeSample>({ ir: ir3d, normalizer, seed: 5, train: volumes, workers: 1 });
    try {
      const here = preparersFor(ir3d, normalizer);
      const prepared = await pool.prepare(2, [2, 0, 1]);
      expect(prepared).toEqual([2, 0, 1].map((i) => here.train(volumes[i], augmentRng(5, 2, i))));
      expect(prepared[0].image.depth).toBe(8);
    } finally {
      await pool.dispose();
    }
  });

  it('trains to the same losses and final weights as preparation on the main thread', async () => {
    // Two epochs of two steps: the second epoch's batches are asked for during the first.
    const trainSet = samples.slice(2, 6);
    const run = async (workers: number) => {
      const model = buildModel(ir, { inputSize: [36, 36], seed: train.seed });
      const pool = workers > 0 ? new PrepPool<Sample>({ ir, normalizer, seed: train.seed, train: trainSet, workers }) : null;
      const preparers = preparersFor(ir, normalizer);
      const records: EpochRecord[] = [];
      try {
        await pool?.ready();
        const loop = new TrainingLoop<Sample>({
          model,
          config: train,
          classes: 2,
          train: trainSet,
          val: samples.slice(0, 1).map((s, i) => preparers.val(s, i)),
          prepare: preparers.train,
          ...(pool && { source: pool }),
          onEpoch: async (r) => void records.push(r),
        });
        await loop.run();
      } finally {
        await pool?.dispose();
      }
      const weights = flatWeights(model);
      model.dispose();
      return { losses: records.map((r) => [r.loss, r.valLoss, r.valDice]), weights };
    };
    const [here, ahead] = [await run(0), await run(2)];
    expect(ahead.losses).toEqual(here.losses);
    expect(ahead.weights).toEqual(here.weights);
  });

  it('a failing worker fails the batch with its message; dispose() fails what is still open', async () => {
    const pool = new PrepPool<Sample>({ ir, normalizer, seed: train.seed, train: samples, workers: 1 });
    try {
      await expect(pool.prepare(0, [99])).rejects.toThrow(/sample-preparation worker 0: .*/);
    } finally {
      await pool.dispose();
    }
    const other = new PrepPool<Sample>({ ir, normalizer, seed: train.seed, train: samples, workers: 1 });
    const open = other.prepare(0, [0]);
    await other.dispose();
    await expect(open).rejects.toThrow(/sample-preparation worker 0: stopped/);
    await expect(other.prepare(0, [0])).rejects.toThrow(/workers ended/);
  });
});

describe('prefetch decision', () => {
  it('UNET_PREFETCH: 1 on, 0 off, otherwise auto', () => {
    expect([prefetchRequest('1'), prefetchRequest('0'), prefetchRequest(undefined), prefetchRequest('yes')]).toEqual([true, false, 'auto', 'auto']);
  });

  it('auto prefetches only where the step leaves a core and a batch is costly; the workers are the cores left, 1 to 4', () => {
    const costly = () => PREFETCH_MIN_MS;
    const cheap = () => PREFETCH_MIN_MS - 1;
    expect(prepWorkers('auto', 1, costly, 2)).toBe(1);
    expect(prepWorkers('auto', 2, costly, 2)).toBe(0);
    expect(prepWorkers('auto', 1, cheap, 2)).toBe(0);
    expect(prepWorkers('auto', 1, costly, 1)).toBe(0);
    expect(prepWorkers('auto', 2, costly, 16)).toBe(4);
    expect(prepWorkers(true, 2, cheap, 2)).toBe(1);
    expect(prepWorkers(false, 1, costly, 16)).toBe(0);
  });

  it('the cores a step keeps busy: one feeding a GPU, all for tfjs-node, the replicas or the XNNPACK threads on wasm', () => {
    expect([stepCores('webgpu', 1, 2), stepCores('gpu', 1, 8), stepCores('node', 1, 8), stepCores('cpu', 1, 8)]).toEqual([1, 1, 8, 1]);
    expect(stepCores('wasm', 2, 2)).toBe(2);
    const saved = process.env.UNET_WASM_THREADS;
    process.env.UNET_WASM_THREADS = '3';
    try {
      expect(stepCores('wasm', 1, 8)).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.UNET_WASM_THREADS;
      else process.env.UNET_WASM_THREADS = saved;
    }
  });
});
