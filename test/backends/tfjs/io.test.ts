// Save and load round trips: outputs bit for bit equal, custom layers and optimizer
// state included, and the directory never holds a half-written model.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/backends/tfjs/io.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';
import { inputFor } from './fixtures.ts';
import { zoo } from './zoo.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'unet-tfjs-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModel / loadModel', () => {
  for (const ir of zoo()) {
    it(`${ir.name}: the reloaded model gives the same outputs bit for bit`, async () => {
      const { model } = lowerModel(ir);
      const x = inputFor(ir.input, ir.input.size.map((n) => n ?? 8));
      const before = (model.predict(x) as tf.Tensor).dataSync();
      await saveModel(model, join(dir, ir.name));
      const loaded = await loadModel(join(dir, ir.name));
      expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
      expect((loaded.predict(x) as tf.Tensor).dataSync()).toEqual(before);
    });
  }

  it('saves the optimizer state and restores it', async () => {
    const ir = zoo()[0];
    const { model } = lowerModel(ir);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const x = inputFor(ir.input);
    const y = tf.oneHot(tf.zeros([1, 16, 16], 'int32'), 2);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    await saveModel(model, join(dir, 'trained'), { includeOptimizer: true });
    const loaded = await loadModel(join(dir, 'trained'));
    const state = async (m: tf.LayersModel) => (await m.optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
    const saved = await state(model);
    expect(saved.length).toBeGreaterThan(1); // Adam: iterations, then two moments per weight
    expect(await state(loaded)).toEqual(saved);
  });

  it('replaces a previous save and leaves no temporary or stale files', async () => {
    const ir = zoo()[1];
    const path = join(dir, 'twice');
    await saveModel(lowerModel(ir, { seed: 1 }).model, path);
    await saveModel(lowerModel(ir, { seed: 2 }).model, path);
    const files = (await readdir(path)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(/^weights\.[0-9a-f]{16}\.bin$/);
    const again = lowerModel(ir, { seed: 2 }).model.getWeights().map((w) => w.dataSync());
    expect((await loadModel(path)).getWeights().map((w) => w.dataSync())).toEqual(again);
  });

  it('names the file when there is no model', async () => {
    await expect(loadModel(join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing', 'model.json')}: does not exist (expected a tfjs layers model)`);
  });
});
