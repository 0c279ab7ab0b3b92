// 3D networks from the command line: `unet train` on volumes (builtin:ellipsoids) with the
// loss falling, `unet predict` of a whole volume into a multi-page mask TIFF on tfjs and on
// onnxruntime (the same masks), overlap-tile inference of a real 3D network, and the refusals
// that name what is wrong (2D data for a 3D network and the other way round, the 2D-only
// weighted_ce and elastic).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../../src/backends/tfjs/engines.ts';
import { describe, expect, it } from 'vitest';
import { buildModel, rebuildForSize } from '../../../src/backends/tfjs/build.ts';
import { compileSource } from '../../../src/language/compile.ts';
import { makeEllipsoids } from '../../../src/data/ellipsoids.ts';
import { writeImagePng } from '../../../src/data/image-io.ts';
import { Random } from '../../../src/data/random.ts';
import { predictTiled } from '../../../src/data/tiling.ts';
import { readMaskVolumePages, writeVolumeTiff } from '../../../src/data/volume-io.ts';
import { runUnet } from '../../helpers/cli.ts';

await tf.setBackend('cpu');

const dir = mkdtempSync(join(tmpdir(), 'unet-3d-'));

/** A same-padding 3D U-Net of 16^3 volumes with base width 4: about a second per epoch on wasm. */
export const SPEC_3D = `unet Tiny3D {
  input   1 x 16 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  kernel  3x3x3
  bias    off
  norm    batch
  down    maxpool 2x2x2
  up      transposed 2x2x2
  skip    concat
  train {
    loss      ce_dice
    optimizer adam lr 0.01
    batch     4
    epochs    3
    seed      3
    augment { flip; rotate90 }
  }
}
`;

function spec(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const unet = (...args: string[]) => runUnet(args, dir);

describe('unet train on volumes', { timeout: 60_000 }, () => {
  it('a 3D spec trains on builtin:ellipsoids and its loss falls', async () => {
    const out = join(dir, 'run3d');
    const r = await unet('train', spec('tiny3d.unet', SPEC_3D), '--data', 'builtin:ellipsoids:20', '--engine', 'wasm', '--out', out);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/16 training and 4 validation volumes of 16x16x16/);
    const epochs = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { loss: number; valDice: number });
    expect(epochs).toHaveLength(3);
    expect(epochs[2].loss).toBeLessThan(epochs[0].loss);
    expect(epochs.every((e) => e.valDice >= 0 && e.valDice <= 1)).toBe(true);
  });

  it('unet predict writes one mask page per slice, the same on tfjs and on onnxruntime', async () => {
    const run = join(dir, 'run3d');
    // 42^3 voxels are more than 16 training windows of 16^3 (segment.ts): predicted tile by tile.
    const volumes = makeEllipsoids({ count: 1, size: 42, seed: 11 });
    const path = join(dir, 'vol.tif');
    await writeVolumeTiff(path, volumes[0].image);
    const r = await unet('predict', run, path, '--out', join(dir, 'pred'), '--engine', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${join(dir, 'pred', 'vol_mask.tif')} (42 pages)`);
    const pages = await readMaskVolumePages(join(dir, 'pred', 'vol_mask.tif'));
    expect(pages.map((p) => [p.height, p.width])).toEqual(new Array(42).fill([42, 42]));

    const onnx = join(run, 'model.onnx');
    const e = await unet('export', run, '--onnx', onnx);
    expect(e.code, e.stderr).toBe(0);
    const o = await unet('predict', run, path, '--out', join(dir, 'pred-onnx'), '--engine', 'onnx');
    expect(o.code, o.stderr).toBe(0);
    const onnxPages = await readMaskVolumePages(join(dir, 'pred-onnx', 'vol_mask.tif'));
    const values = (ps: typeof pages) => ps.flatMap((p) => Array.from(p.data));
    const [a, b] = [values(pages), values(onnxPages)];
    expect(a.filter((v, i) => v !== b[i]).length).toBeLessThanOrEqual(a.length * 1e-3);

  });

  it('unet eval scores the run on its own validation volumes with the Dice training reported', async () => {
    const run = join(dir, 'run3d');
    const r = await unet('eval', run, '--data', 'builtin:ellipsoids:20', '--json', '--engine', 'wasm', '--masks', join(dir, 'eval-masks'));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { split: string; images: { depth: number; dice: number[]; pixelError: number; rand: { error: number }; info: { score: number } }[]; summary: { dice: number[] } };
    expect(report.split).toBe('val');
    expect(report.images.map((v) => v.depth)).toEqual([16, 16, 16, 16]);
    const epochs = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { valDice: number });
    expect(report.summary.dice[1]).toBeCloseTo(Math.max(...epochs.map((e) => e.valDice)), 4);
    expect(report.images.every((v) => v.pixelError >= 0 && v.pixelError <= 1 && v.rand.error >= 0 && v.rand.error <= 1)).toBe(true);
    expect(report.images.every((v) => v.info.score >= 0 && v.info.score <= 1)).toBe(true);
    const name = (JSON.parse(r.stdout) as { images: { name: string }[] }).images[0].name;
    expect(await readMaskVolumePages(join(dir, 'eval-masks', `${name}_pred.tif`))).toHaveLength(16);
  });

  it('a 2D image for a 3D run is refused by name', async () => {
    const run = join(dir, 'run3d');
    const flat = join(dir, 'flat.png');
    await writeImagePng(flat, { height: 16, width: 16, channels: 1, data: new Float32Array(256) });
    const f = await unet('predict', run, flat, '--out', join(dir, 'pred-flat'), '--engine', 'wasm');
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`${flat}: is a single 2D image (1 page): a 3D network takes volumes`);
  });
});

describe('overlap-tile inference of a real 3D network', { timeout: 30_000 }, () => {
  it('same padding: tiles blend back to the whole-volume output within 1e-4', async () => {
    // 1x1x1 convolutions between 2x2x2 pooling and 2x2x2 up-convolutions: the output depends
    // on aligned 2x2x2 blocks only, so even tile origins see exactly what the whole volume sees.
    const text = SPEC_3D.replace('kernel  3x3x3', 'kernel  1x1x1').replace('input   1 x 16 x 16 x 16', 'input   2 x 8 x 8 x 8');
    const ir = compileSource(text, 'tiny.unet').model!;
    const net = buildModel(ir, { inputSize: [8, 8, 8] });
    const whole = rebuildForSize(net, ir, [20, 20, 20]);
    const rng = new Random(4);
    const volume = { depth: 20, height: 20, width: 20, channels: 2, data: Float32Array.from({ length: 2 * 20 ** 3 }, () => rng.uniform()) };
    const expected = (whole.predict(tf.tensor(volume.data, [1, 20, 20, 20, 2])) as tf.Tensor).dataSync();
    let tiles = 0;
    const tiled = await predictTiled(volume, { padding: 'same', inputSize: 8, numClasses: 2, overlap: 2 }, async (t, n) => {
      tiles += n;
      return (net.predict(tf.tensor(t, [n, 8, 8, 8, 2])) as tf.Tensor).dataSync() as Float32Array;
    });
    expect(tiles).toBe(27);
    let worst = 0;
    tiled.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe.concurrent('unet train on volumes: what cannot work is refused by name, before a run directory exists', { timeout: 30_000 }, () => {
  it('builtin:ellipses for a 3D network, builtin:ellipsoids for a 2D one', async () => {
    const r = await unet('train', spec('a.unet', SPEC_3D), '--data', 'builtin:ellipses:8', '--out', join(dir, 'no1'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('builtin:ellipses holds 2D images, but Tiny3D is a 3D network: use builtin:ellipsoids');
    const flat = SPEC_3D.replace('1 x 16 x 16 x 16', '1 x 16 x 16').replace(/3x3x3/, '3x3').replace(/2x2x2/g, '2x2');
    const r2 = await unet('train', spec('b.unet', flat), '--data', 'builtin:ellipsoids:8', '--out', join(dir, 'no2'));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('builtin:ellipsoids holds 3D volumes, but Tiny3D is a 2D network: use builtin:ellipses');
    expect([existsSync(join(dir, 'no1')), existsSync(join(dir, 'no2'))]).toEqual([false, false]);
  });

  it('weighted_ce and elastic: a located warning from the spec, then a refusal naming both', async () => {
    const text = SPEC_3D.replace('loss      ce_dice', 'loss      weighted_ce').replace('augment { flip; rotate90 }', 'augment { elastic grid 3 sigma 4 }');
    const path = spec('weighted.unet', text);
    const r = await unet('train', path, '--data', 'builtin:ellipsoids:8', '--out', join(dir, 'no3'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${path}:14:5: warning: loss weighted_ce needs the U-Net border weight map, which is 2D only`));
    expect(r.stderr).toMatch(/weighted.unet:19:15: warning: elastic deformation is 2D only/);
    expect(r.stderr).toContain(`${path}: Tiny3D is 3D; unet train cannot train it with`);
    expect(r.stderr).toMatch(/loss weighted_ce \(its U-Net border weight map is 2D only\)[\s\S]*augment elastic \(2D only\)/);
    expect(existsSync(join(dir, 'no3'))).toBe(false);
  });
});
