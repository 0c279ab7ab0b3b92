// bench/isbi-baseline.py, the plain PyTorch contender of bench/isbi-compare.ts: it trains
// for its time budget on the slices not held out, and its ONNX export loads into
// bench/isbi-baseline.unet by `unet import` (so `unet eval` can score it). Tiny slices and
// crops keep it to seconds.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeImagePng, writeMaskPng } from '../../../src/data/image-io.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { runUnet } from '../../helpers/cli.ts';
import { hasImageReader, hasTorch, PYTHON, warnSkip } from './python.ts';

warnSkip('the isbi-baseline.py tests');
const dir = mkdtempSync(join(tmpdir(), 'unet-baseline-'));
const data = join(dir, 'data');

const baseline = (...args: string[]) =>
  spawnSync(PYTHON, ['bench/isbi-baseline.py', '--data', data, '--crop', '32', ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });

describe.runIf(hasTorch && hasImageReader)('bench/isbi-baseline.py', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    mkdirSync(join(data, 'images'), { recursive: true });
    mkdirSync(join(data, 'labels'), { recursive: true });
    // Labels as ISBI's: 255 = cell, 0 = membrane (here: the ellipses).
    for (const [k, s] of makeEllipses({ count: 3, size: 48, seed: 5 }).entries()) {
      await writeImagePng(join(data, 'images', `0${k}.png`), s.image);
      await writeMaskPng(join(data, 'labels', `0${k}.png`), s.mask, [255, 0]);
    }
  });

  it('trains for its budget and exports an ONNX file that unet import loads into bench/isbi-baseline.unet', async () => {
    const onnx = join(dir, 'torch.onnx');
    const trained = baseline('--val', '02', '--time', '0.5', '--onnx', onnx);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/trained \d+ steps \(\d+ crops\) on 2 slices in \d+\.\d s: data preparation/);
    const imported = await runUnet(['import', 'bench/isbi-baseline.unet', '--onnx', onnx, '--out', join(dir, 'run'), '--input-size', '32x32', '--verify']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 41 parametrised layers/);
  });

  it('names held-out slices that do not exist', () => {
    const r = baseline('--val', '07', '--time', '0.1', '--onnx', join(dir, 'x.onnx'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--val 07: no such slices');
  });
});
