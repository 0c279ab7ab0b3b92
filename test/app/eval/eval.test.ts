// `unet eval` as a user runs it: the JSON report's fields, its figures recomputed with
// src/metrics from the masks it scored, the same figures through the exported ONNX file,
// and exit code 1 with a clear message for bad input.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainingData } from '../../../src/data/source.ts';
import { compileFile } from '../../../src/node/compile-file.ts';
import { readMaskValues } from '../../../src/data/image-io.ts';
import type { Mask2D } from '../../../src/data/types.ts';
import { diceScores } from '../../../src/metrics/dice.ts';
import { iouScores } from '../../../src/metrics/iou.ts';
import { pixelError } from '../../../src/metrics/pixel-error.ts';
import { infoScore } from '../../../src/metrics/info-score.ts';
import { randError } from '../../../src/metrics/rand-error.ts';
import { ISBI_2012_THRESHOLDS, warpingError } from '../../../src/metrics/warping-error.ts';
import type { EvalReport } from '../../../src/app/eval/run.ts';
import { DATA, tempWithSpec, unet } from './helpers.ts';

const { dir, spec } = tempWithSpec('unet-eval-');
const run = join(dir, 'run');
const masks = join(dir, 'masks');
let report: EvalReport;

beforeAll(async () => {
  const trained = await unet('train', spec, '--data', DATA, '--out', run);
  expect(trained.code, trained.stderr).toBe(0);
  const result = await unet('eval', run, '--data', DATA, '--split', 'all', '--json', '--masks', masks);
  expect(result.code, result.stderr).toBe(0);
  report = JSON.parse(result.stdout) as EvalReport;
});

describe('unet eval --json', () => {
  it('reports every image with per-class Dice and IoU, pixel error, Rand error, V_info and warping error', () => {
    expect(report.split).toBe('all');
    expect(report.tta).toBe('none');
    expect(report.classNames).toEqual(['background', 'boundary']);
    expect(report.boundaryClass).toBe(1); // the class named "boundary"
    expect(report.window).toEqual([28, 28]);
    expect(report.images).toHaveLength(8);
    for (const row of report.images) {
      expect(row.dice).toHaveLength(2);
      expect(row.iou).toHaveLength(2);
      expect(row.pixelError).toBeGreaterThanOrEqual(0);
      expect(Object.keys(row.rand).sort()).toEqual(['error', 'precision', 'recall']);
      expect(Object.keys(row.info).sort()).toEqual(['merge', 'score', 'split']);
      expect(row.warping.error).toBeGreaterThanOrEqual(0);
      expect(row.warpingByThreshold).toHaveLength(ISBI_2012_THRESHOLDS.length);
      expect([row.height, row.width]).toEqual([64, 64]);
    }
    const mean = (pick: (r: EvalReport['images'][number]) => number) => report.images.reduce((s, r) => s + pick(r), 0) / 8;
    expect(report.summary.images).toBe(8);
    expect(report.summary.dice[1]).toBeCloseTo(mean((r) => r.dice[1]), 12);
    expect(report.summary.iou[1]).toBeCloseTo(mean((r) => r.iou[1]), 12);
    expect(report.summary.pixelError).toBeCloseTo(mean((r) => r.pixelError), 12);
    expect(report.summary.randError).toBeCloseTo(mean((r) => r.rand.error), 12);
    expect(report.summary.infoScore).toBeCloseTo(mean((r) => r.info.score), 12);
    expect(report.summary.warpingError).toBeCloseTo(mean((r) => r.warping.error), 12);
    // The challenge's figure: the least, over thresholds, of the mean over images.
    const perThreshold = ISBI_2012_THRESHOLDS.map((_, t) => mean((r) => r.warpingByThreshold![t]));
    expect(report.summary.isbiWarping!.error).toBeCloseTo(Math.min(...perThreshold), 12);
  });

  it('agrees with src/metrics on the masks it predicted', async () => {
    // The data as training drew it: builtin:ellipses takes its size from the spec (64), not the crop.
    const ir = compileFile(spec).model!;
    const truth = new Map((await loadTrainingData(DATA, ir)).map((s) => [s.name, s.mask]));
    for (const row of report.images) {
      const raw = await readMaskValues(join(masks, `${row.name}_pred.png`));
      const pred: Mask2D = { height: raw.height, width: raw.width, data: Uint8Array.from(raw.data, (v) => (v === 255 ? 1 : 0)) };
      const t = truth.get(row.name)!;
      expect(row.dice).toEqual(diceScores(pred, t, 2));
      expect(row.iou).toEqual(iouScores(pred, t, 2));
      expect(row.pixelError).toBe(pixelError(pred, t));
      expect(row.rand).toEqual(randError(pred, t, 1));
      expect(row.info).toEqual(infoScore(pred, t, 1));
      expect(row.warping).toEqual(warpingError(pred, t, 1));
    }
  });

  it("scores a run's own validation images by default (its seed and val split)", async () => {
    const result = await unet('eval', run, '--data', DATA, '--json');
    expect(result.code, result.stderr).toBe(0);
    const val = JSON.parse(result.stdout) as EvalReport;
    expect(val.split).toBe('val');
    expect(val.images.map((r) => r.name)).toHaveLength(2); // 8 x 0.25
    for (const row of val.images) expect(row).toMatchObject({ dice: report.images.find((r) => r.name === row.name)!.dice });
  });

  it('gives the same figures for the exported .onnx (onnxruntime, same tiling)', async () => {
    const onnx = join(dir, 'tiny.onnx');
    expect((await unet('export', run, '--onnx', onnx)).code).toBe(0);
    const result = await unet('eval', onnx, '--data', DATA, '--split', 'all', '--json');
    expect(result.code, result.stderr).toBe(0);
    const fromOnnx = JSON.parse(result.stdout) as EvalReport;
    expect(fromOnnx.engine).toBe('onnxruntime');
    expect(fromOnnx.window).toEqual([28, 28]);
    // Float differences between engines may flip a pixel near p = 0.5, nothing more.
    expect(fromOnnx.summary.pixelError).toBeCloseTo(report.summary.pixelError, 2);
    expect(fromOnnx.summary.dice[1]).toBeCloseTo(report.summary.dice[1], 2);
  });

  it('agrees between tfjs and the exported .onnx with test-time augmentation (--tta d4)', async () => {
    const onnx = join(dir, 'tiny-tta.onnx');
    expect((await unet('export', run, '--onnx', onnx)).code).toBe(0);
    const [tfjs, ort] = await Promise.all([run, onnx].map((m) => unet('eval', m, '--data', DATA, '--split', 'all', '--json', '--tta', 'd4')));
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(ort.code, ort.stderr).toBe(0);
    const [a, b] = [tfjs, ort].map((r) => JSON.parse(r.stdout) as EvalReport);
    expect([a.tta, b.tta]).toEqual(['d4', 'd4']);
    expect(b.summary.pixelError).toBeCloseTo(a.summary.pixelError, 2);
    expect(b.summary.dice[1]).toBeCloseTo(a.summary.dice[1], 2);
  });

  it('--checkpoint last scores the weights training ended with, best (the default) the best ones', async () => {
    // A copy of the run whose last checkpoint (a later one) has all-zero weights: it calls
    // every pixel background, so its boundary Dice is 0, unlike the trained best checkpoint.
    const copy = join(dir, 'two-checkpoints');
    cpSync(run, copy, { recursive: true });
    const [first] = readdirSync(join(copy, 'checkpoints')).sort();
    const later = join(copy, 'checkpoints', '999999');
    cpSync(join(copy, 'checkpoints', first), later, { recursive: true });
    writeFileSync(join(later, 'tensors.bin'), new Uint8Array(statSync(join(later, 'tensors.bin')).size));
    writeFileSync(join(copy, 'best.json'), JSON.stringify({ checkpoint: `checkpoints/${first}` }));
    writeFileSync(join(copy, 'last.json'), JSON.stringify({ checkpoint: 'checkpoints/999999' }));
    const [best, last] = await Promise.all(
      [[], ['--checkpoint', 'last']].map((extra) => unet('eval', copy, '--data', DATA, '--split', 'all', '--json', ...extra)),
    );
    expect(best.code, best.stderr).toBe(0);
    expect(last.code, last.stderr).toBe(0);
    const [b, l] = [best, last].map((r) => JSON.parse(r.stdout) as EvalReport);
    expect(b.model).toContain(first);
    expect(l.model).toContain('999999');
    expect(b.summary.dice[1]).toBeCloseTo(report.summary.dice[1], 6);
    expect(l.summary.dice[1]).toBe(0);
    expect(readFileSync(join(copy, 'last.json'), 'utf8')).toContain('999999'); // eval changed nothing
  });

  it('--checkpoint last on an .onnx file is refused (it holds one set of weights)', async () => {
    const onnx = join(dir, 'one.onnx');
    expect((await unet('export', run, '--onnx', onnx)).code).toBe(0);
    const result = await unet('eval', onnx, '--data', DATA, '--checkpoint', 'last');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--checkpoint last .*one set of weights/);
  });

  it('prints a table with a row per image and the mean', async () => {
    const result = await unet('eval', run, '--data', DATA, '--split', 'all');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Dice boundary\s+IoU boundary\s+pixel error\s+Rand error \(boundary\)\s+V_info \(boundary\)/);
    expect(result.stdout).toMatch(/^ellipses-0007 /m);
    expect(result.stdout).toMatch(/^mean \(8\) /m);
  });
});

describe('unet eval with bad input', () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty, { recursive: true });
  it.each([
    ['a missing path', [join(dir, 'nope'), '--data', DATA], /nope does not exist/],
    ['a folder that is not a run', [empty, '--data', DATA], /not a training run/],
    ['a missing data folder', [run, '--data', join(dir, 'no-data')], /no-data: data folder does not exist/],
    ['a data folder without images', [run, '--data', empty], /no data found/],
    ['a class that does not exist', [run, '--data', DATA, '--boundary-class', '5'], /--boundary-class 5: the network has 2 classes/],
  ])('exits 1 for %s', async (_, args, message) => {
    const result = await unet('eval', ...(args as string[]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message as RegExp);
  });
});
