// Data-parallel training over worker threads (src/backends/tfjs/train/parallel): each replica
// has its own wasm engine; gradients are averaged in shard order on the main thread.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { selectEngine } from '../../../../src/backends/tfjs/engines.ts';
import { replicaCount } from '../../../../src/app/train/session.ts';
import { loadCheckpoint, saveCheckpoint } from '../../../../src/backends/tfjs/train/checkpoint.ts';
import { TrainingLoop, type LoopOptions } from '../../../../src/backends/tfjs/train/loop.ts';
import { DataParallel, shardSizes } from '../../../../src/backends/tfjs/train/parallel/data-parallel.ts';
import { asIs, flatWeights, tinyConfig, tinyData, tinyModel } from './helpers.ts';
import { runUnet, trainInBackground } from '../../../helpers/cli.ts';
import { checkpointDir } from '../../../../src/io/checkpoints.ts';

await selectEngine('wasm');

/** conv 3x3 relu -> conv 3x3 relu -> conv 1x1 softmax: no batch norm, no dropout. */
function plainModel(seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const input = tf.input({ shape: [16, 16, 1], name: 'input' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'softmax', name: 'head', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Pixel-mean cross-entropy (decomposes over shards), clipping on, 2 epochs of 3 steps of 4. */
const config = tinyConfig({ loss: 'ce', epochs: 2, clip: 1 });

function options(model: tf.LayersModel, overrides: Partial<LoopOptions> = {}): LoopOptions {
  return { model, config, classes: 2, ...tinyData(), prepare: asIs, ...overrides };
}

const started: DataParallel[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.dispose()));
});

/** Trains `model` with N = 2 replicas; returns the running DataParallel. */
async function trainParallel(model: tf.LayersModel, cfg = config, stopAfter?: number): Promise<{ loop: TrainingLoop; parallel: DataParallel }> {
  const parallel = new DataParallel(2, 'wasm');
  started.push(parallel);
  let steps = 0;
  const loop: TrainingLoop = new TrainingLoop(
    options(model, { config: cfg, parallel, onStep: () => void (++steps === stopAfter && loop.stop()) }),
  );
  await parallel.start(model, cfg, loop.getState());
  await loop.run();
  return { loop, parallel };
}

function relativeDifference(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += a[i] ** 2;
  }
  return Math.sqrt(d / n);
}

describe('data-parallel training on worker threads', () => {
  it('splits batches into contiguous shards differing by at most one', () => {
    expect(shardSizes(4, 2)).toEqual([2, 2]);
    expect(shardSizes(5, 2)).toEqual([3, 2]);
    expect(shardSizes(1, 2)).toEqual([1, 0]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
  });

  it('without batch norm, N = 2 over batches of 4 matches N = 1 up to summation order', async () => {
    const single = plainModel();
    await new TrainingLoop(options(single)).run();
    const model = plainModel();
    const { parallel } = await trainParallel(model);
    const diff = relativeDifference(flatWeights(single), flatWeights(model));
    expect(diff).toBeLessThan(1e-5);
    expect(relativeDifference(flatWeights(plainModel()), flatWeights(model))).toBeGreaterThan(1e-3); // it did train
    // The worker replica holds the very same weights as replica 0.
    expect(await parallel.weightsOf(1)).toEqual(model.weights.map((w) => w.read().dataSync()));
  });

  it('is deterministic: two N = 2 runs give identical weights', async () => {
    const a = plainModel();
    const b = plainModel();
    await trainParallel(a);
    await trainParallel(b);
    expect(flatWeights(a)).toEqual(flatWeights(b));
  });

  it('with batch norm and dropout: replicas keep identical trainable weights, each its own moving statistics', async () => {
    const model = tinyModel();
    const cfg = tinyConfig({ epochs: 1 });
    const { parallel } = await trainParallel(model, cfg);
    const remote = await parallel.weightsOf(1);
    const names = model.weights.map((w) => w.originalName);
    const trainableNames = new Set(model.trainableWeights.map((w) => w.originalName));
    names.forEach((name, i) => {
      const local = model.weights[i].read().dataSync();
      if (trainableNames.has(name)) expect(remote[i], name).toEqual(local);
      else expect(Array.from(remote[i]), name).not.toEqual(Array.from(local)); // moving mean / variance
    });
  });

  it('resumes from a checkpoint of replica 0: equals an uninterrupted N = 2 run', async () => {
    const cfg = tinyConfig({ epochs: 2 });
    const straight = tinyModel();
    await trainParallel(straight, cfg);

    const first = tinyModel();
    const { loop } = await trainParallel(first, cfg, 4); // epoch 1 and one step of epoch 2
    const dir = mkdtempSync(join(tmpdir(), 'unet-ddp-'));
    await saveCheckpoint(dir, first, loop.getState());

    const second = tinyModel(16, 1, 2, 99);
    const state = await loadCheckpoint(checkpointDir(dir, 'last'), second);
    expect([state.epoch, state.step]).toEqual([1, 1]);
    const parallel = new DataParallel(2, 'wasm');
    started.push(parallel);
    const resumed = new TrainingLoop(options(second, { config: cfg, parallel }), state);
    await parallel.start(second, cfg, resumed.getState());
    expect(await resumed.run()).toEqual({ stopped: false });
    expect(flatWeights(second)).toEqual(flatWeights(straight));
  });

  it('does not leak tensors from step to step', async () => {
    const counts: number[] = [];
    const model = plainModel();
    const parallel = new DataParallel(2, 'wasm');
    started.push(parallel);
    const loop = new TrainingLoop(options(model, { parallel, onStep: () => void counts.push(tf.memory().numTensors) }));
    await parallel.start(model, config, loop.getState());
    await loop.run();
    expect(counts.length).toBe(6);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('unet train --workers', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-ddp-cli-'));
  const spec = join(dir, 'tiny.unet');
  writeFileSync(
    spec,
    `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  norm    batch
  train { loss ce_dice; optimizer adam lr 0.01; batch 8; epochs 1; seed 3 }
}
`,
  );
  const unet = (...args: string[]) => runUnet(args, dir);
  const train = (out: string, ...args: string[]) =>
    unet('train', spec, '--data', 'builtin:ellipses:40', '--engine', 'wasm', '--workers', '2', '--out', join(dir, out), ...args);

  it('resolves --workers: auto is one replica per core on wasm, 1 elsewhere; worker threads need wasm or cpu', () => {
    expect(replicaCount(1, 'tensorflow')).toBe(1);
    expect(replicaCount(2, 'cpu')).toBe(2);
    expect(replicaCount('auto', 'cpu')).toBe(1);
    expect(replicaCount('auto', 'wasm')).toBeGreaterThanOrEqual(1);
    expect(() => replicaCount(2, 'tensorflow')).toThrow(/wasm or cpu/);
  });

  it('trains with 2 replicas; resume (every replica from the checkpoint) ends where a straight run does', async () => {
    const straight = await train('straight', '--epochs', '2');
    expect(straight.code, straight.stderr).toBe(0);
    expect(straight.stdout).toContain('on wasm x2 data-parallel replicas');
    expect(straight.stdout).toMatch(/epoch 2\/2 .*val Dice \d\.\d{4}/);
    expect((await train('resumed', '--epochs', '1')).code).toBe(0);
    const resumed = await train('resumed', '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resuming after epoch 1');
    const tensors = (run: string) => readFileSync(join(checkpointDir(join(dir, run), 'last'), 'tensors.bin'));
    expect(tensors('resumed').equals(tensors('straight'))).toBe(true);
  });

  it('Ctrl-C finishes the step, writes the last checkpoint from replica 0 and exits 130', async () => {
    const { code, stdout } = await trainInBackground(
      ['train', spec, '--data', 'builtin:ellipses:40', '--engine', 'wasm', '--workers', '2', '--epochs', '200', '--out', join(dir, 'interrupted')],
      (child) => child.kill('SIGINT'),
    );
    expect(code).toBe(130);
    expect(stdout).toContain('continue with --resume');
    const state = JSON.parse(readFileSync(join(checkpointDir(join(dir, 'interrupted'), 'last'), 'checkpoint.json'), 'utf8')).state;
    expect(state.epoch).toBeGreaterThanOrEqual(1);
  });
});
