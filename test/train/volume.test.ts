// 3D networks from the command line: `unet train` on volumes (builtin:ellipsoids) with the
// loss falling, and the refusals that name what is wrong (2D data for a 3D network and the
// other way round, the 2D-only weighted_ce and elastic).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUnet } from '../helpers/cli.ts';

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
