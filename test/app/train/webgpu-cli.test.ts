// `unet train --engine webgpu`, `--resume` and `unet predict --engine webgpu` on a tiny spec
// (SwiftShader, test/helpers/webgpu.ts: the child processes inherit its environment).
// Predicting the run on webgpu writes the same mask as on cpu.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeImagePng } from '../../../src/data/image-io.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { runUnet } from '../../helpers/cli.ts';
import { hasWebGpu, noWebGpu } from '../../helpers/webgpu.ts';

const SPEC = `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 2 doubling
  padding same
  bias    off
  norm    batch
  down    maxpool 2x2
  up      transposed 2x2
  skip    concat
  train {
    loss      ce_dice
    optimizer adam lr 0.01
    batch     16
    epochs    1
    seed      3
  }
}
`;

describe.skipIf(!hasWebGpu)(`unet train/predict --engine webgpu${noWebGpu ? ` (skipped: ${noWebGpu})` : ''}`, { timeout: 120_000 }, () => {
  it('trains, resumes, and predicts the same mask as cpu', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-webgpu-'));
    writeFileSync(join(dir, 'tiny.unet'), SPEC);
    const run = join(dir, 'run');
    const train = (...args: string[]) => runUnet(['train', 'tiny.unet', '--data', 'builtin:ellipses:20', '--engine', 'webgpu', '--out', run, ...args], dir);
    const first = await train();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/training Tiny on webgpu/);
    const resumed = await train('--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resuming after epoch 1');
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    await writeImagePng(join(dir, 'shapes.png'), makeEllipses({ count: 1, size: 16, seed: 99 })[0].image);
    const predict = (engine: string) => runUnet(['predict', run, 'shapes.png', '--out', join(dir, engine), '--engine', engine], dir);
    for (const engine of ['webgpu', 'cpu']) {
      const r = await predict(engine);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`on ${engine}`);
    }
    expect(readFileSync(join(dir, 'webgpu', 'shapes_mask.png')).equals(readFileSync(join(dir, 'cpu', 'shapes_mask.png')))).toBe(true);
  });
});
