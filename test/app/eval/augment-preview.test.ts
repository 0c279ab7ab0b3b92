// `unet augment-preview`: the PNG it writes (size from the grid layout), determinism for a
// seed, and the refusal of --weights for a spec that trains without a weight map.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gridSize } from '../../../src/app/eval/augment-preview.ts';
import { DATA, TINY_SPEC, tempWithSpec, unet } from './helpers.ts';

const { dir, spec } = tempWithSpec('unet-preview-');

describe('unet augment-preview', () => {
  it('writes a grid of image, mask overlay and weight map per sample, the same for the same seed', async () => {
    const [a, b, c] = ['a.png', 'b.png', 'c.png'].map((f) => join(dir, f));
    const results = await Promise.all([
      unet('augment-preview', spec, '--data', DATA, '--out', a, '--count', '5', '--seed', '11', '--weights'),
      unet('augment-preview', spec, '--data', DATA, '--out', b, '--count', '5', '--seed', '11', '--weights'),
      unet('augment-preview', spec, '--data', DATA, '--out', c, '--count', '5', '--seed', '12', '--weights'),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // 5 samples -> 3 columns, 2 rows of 3 cells of the 28 x 28 training crop.
    const expected = gridSize(5, 3, 28, 28);
    expect(expected).toMatchObject({ width: 9 * 28 + 8 * 4, height: 2 * 28 + 4 });
    const meta = await sharp(a).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', expected.width, expected.height]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    expect(results[0].stdout).toMatch(/5 training sample\(s\) of 28x28, mask 12x12, seed 11/);
  });

  it('leaves out the weight map column without --weights', async () => {
    const out = join(dir, 'plain.png');
    const r = await unet('augment-preview', spec, '--data', DATA, '--out', out, '--count', '4');
    expect(r.code, r.stderr).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([4 * 28 + 3 * 4, 2 * 28 + 4]);
  });

  it('exits 1 when --weights is asked of a spec that trains without a weight map', async () => {
    const plain = join(dir, 'plain.unet');
    writeFileSync(plain, TINY_SPEC.replace('loss       weighted_ce', 'loss       ce').replace(/ *weight_map.*\n/, ''));
    const r = await unet('augment-preview', plain, '--data', DATA, '--out', join(dir, 'x.png'), '--weights');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/trains with loss ce and no weight_map/);
  });
});
