// train.py in one process on tiny generated data, for each loss, optimizer, schedule and
// augmentation of the train section, on a same-padding softmax net, a valid-padding sigmoid
// net (labels centre-cropped to its smaller output) and a 3-channel net fed grey images.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileFile } from '../../../src/node/compile-file.ts';
import type { Model, TrainConfig } from '../../../src/language/ir/types.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { tinySame, tinyValid } from '../../fixtures/onnx/models.ts';
import { writeData } from './data.ts';
import { hasImageReader, hasScipy, hasTorch, PYTHON, warnSkip, warnSkipScipy } from './python.ts';
import { TRAIN } from './train-config.ts';

interface Run {
  name: string;
  model: Model;
  train: Partial<TrainConfig>;
}

// Every augmentation of the spec language (elastic as in the paper, scaled to 16 px images).
const augment = { elastic: { grid: 3, sigma: 2 }, flip: true, rotate90: true, rotate: 15, shift: 0.1, brightness: 0.1, contrast: 0.2, gamma: 0.2 };
const RUNS: Run[] = [
  { name: 'ce, sgd nesterov, plateau, every augmentation, dataset normalisation', model: compileFile('specs/ellipses.unet').model!, train: { loss: 'ce', optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }, schedule: { ...TRAIN.schedule, kind: 'plateau', patience: 0 }, augment, normalize: 'dataset' } },
  { name: 'bce on a valid-padding net, rmsprop, cosine, per-image normalisation', model: tinyValid(), train: { loss: 'bce', optimizer: { kind: 'rmsprop', lr: 1e-3, momentum: 0.5, nesterov: false, weightDecay: 0 }, schedule: { ...TRAIN.schedule, kind: 'cosine' }, normalize: 'image' } },
  { name: 'dice, adam, poly, gradient clipping', model: tinySame({ up: 'bilinear', norm: 'group', skip: 'attention', act: 'gelu' }), train: { loss: 'dice', schedule: { ...TRAIN.schedule, kind: 'poly', power: 0.9, minLr: 1e-5 }, clip: 1 } },
  { name: 'weighted_ce with the U-Net weight map (needs scipy)', model: tinySame({ up: 'pixel_shuffle' }), train: { loss: 'weighted_ce', weightMap: { w0: 10, sigma: 5, cellClass: 1 }, maskValues: [0, 255] } },
];
/** weighted_ce computes the weight map with scipy: without it, that run skips. */
const runnable = (run: Run) => hasImageReader && (run.train.loss !== 'weighted_ce' || hasScipy);

describe('train.py in one process', () => {
  const logs = new Map<string, string>();
  const outs = new Map<string, string>();

  beforeAll(async () => {
    if (!hasImageReader) return;
    const root = mkdtempSync(join(tmpdir(), 'unet-torch-train-'));
    await writeData(join(root, 'data'), 5);
    RUNS.filter(runnable).forEach((run, i) => {
      const pkg = join(root, `pkg${i}`);
      emitTorch({ ...run.model, train: { ...TRAIN, ...run.train, epochs: 2, batch: 2 } }, pkg, { origin: run.name });
      const out = join(root, `out${i}`);
      outs.set(run.name, out);
      logs.set(run.name, execFileSync(PYTHON, ['train.py', '--data', join(root, 'data'), '--out', out, '--cpu'], { cwd: pkg, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } }));
    });
  }, 120_000);

  if (!hasTorch) warnSkip('the train.py tests');
  warnSkipScipy('the weighted_ce run of train.py');
  for (const run of RUNS) {
    test.skipIf(!runnable(run))(run.name, () => {
      const log = logs.get(run.name)!;
      expect(log).toMatch(/4 training and 1 validation images, 1 process\(es\), CPU/);
      const losses = [...log.matchAll(/epoch \d\/2: loss ([\d.]+|nan)/g)].map((m) => Number(m[1]));
      expect(losses).toHaveLength(2);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(existsSync(join(outs.get(run.name)!, 'last.pt'))).toBe(true);
      if (run.train.loss === 'weighted_ce') expect(log).toMatch(/weight map: U-Net paper eq\. 2 per sample/);
    });
  }
});
