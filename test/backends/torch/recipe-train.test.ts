// train.py with the paper's recipe on tiny generated "EM slices" (touching cells, one-pixel
// membranes): weighted_ce with the weight map and elastic deformation trains (the loss
// falls) with a run's normalisation; without scipy it stops and names the package; and
// --resume after two epochs ends with exactly the weights of a straight run (CPU, same
// seed): optimizer, schedule, epoch and RNG state restored.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import type { Model, TrainConfig } from '../../../src/language/ir/types.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { tinySame, tinyValid } from '../../fixtures/onnx/models.ts';
import { writeCells } from './data.ts';
import { hasImageReader, hasScipy, hasTorch, PYTHON, runPython, warnSkip, warnSkipScipy } from './python.ts';
import { TRAIN } from './train-config.ts';
import * as tf from '@tensorflow/tfjs';
import { crossEntropyDice } from '../../../src/backends/tfjs/train/losses.ts';
import { Schedule } from '../../../src/backends/tfjs/train/schedules.ts';

// Displacements of 2 px std on a 3x3 grid: the paper's 10 px would fold a 16 px image.
const AUGMENT: TrainConfig['augment'] = { elastic: { grid: 3, sigma: 2 }, flip: true, rotate90: true, rotate: 10, shift: 0.05, brightness: 0.1, contrast: 0.1, gamma: 0.1 };

let root = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'unet-torch-recipe-train-'));
  if (hasImageReader) await writeCells(join(root, 'data'), 6);
});

function emit(name: string, model: Model, train: Partial<TrainConfig>, normalizer?: { mode: 'dataset'; mean: number[]; std: number[] }): string {
  const pkg = join(root, name);
  emitTorch({ ...model, train: { ...TRAIN, ...train } }, pkg, { origin: name, normalizer });
  return pkg;
}

function train(pkg: string, out: string, ...flags: string[]): string {
  return execFileSync(PYTHON, ['train.py', '--data', join(root, 'data'), '--out', out, '--cpu', ...flags], {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2' },
  });
}

const losses = (log: string) => [...log.matchAll(/epoch \d+\/\d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));

const CHECKPOINT = `
import json, sys, torch
c = torch.load(sys.argv[1])
print(json.dumps({"epoch": c["epoch"], "normalizer": c["normalizer"]}))
`;

if (!hasTorch) warnSkip('the recipe training tests');
warnSkipScipy('the weighted_ce training test');

test.skipIf(!hasImageReader || !hasScipy)('weighted_ce with the weight map, elastic deformation and a run\'s normalisation: the loss falls', () => {
  const normalizer = { mode: 'dataset' as const, mean: [0.55, 0.55, 0.55], std: [0.25, 0.25, 0.25] };
  const pkg = emit('weighted', tinySame(), {
    loss: 'weighted_ce', weightMap: { w0: 10, sigma: 5, cellClass: 1 }, maskValues: [0, 255],
    augment: AUGMENT, normalize: 'dataset', epochs: 8, batch: 2, optimizer: { ...TRAIN.optimizer, lr: 0.02 },
  }, normalizer);
  const out = join(root, 'weighted-out');
  const log = train(pkg, out);
  expect(log).toMatch(/normalisation dataset of the run this package was emitted from/);
  expect(log).toMatch(/weight map: U-Net paper eq\. 2/);
  const l = losses(log);
  expect(l).toHaveLength(8);
  expect(l.every(Number.isFinite)).toBe(true);
  expect(l[7]!).toBeLessThan(0.7 * l[0]!);
  expect(runPython<{ normalizer: unknown }>(CHECKPOINT, pkg, [join(out, 'last.pt')]).normalizer).toEqual(normalizer);
}, 60_000);

test.skipIf(!hasImageReader)('weighted_ce without scipy: stops at start-up and names python3-scipy', () => {
  const pkg = emit('no-scipy', tinySame(), { loss: 'weighted_ce', maskValues: [0, 255], epochs: 1, batch: 2 });
  // A scipy that fails to import, ahead of the real one on the path.
  const shadow = join(root, 'shadow');
  mkdirSync(join(shadow, 'scipy'), { recursive: true });
  writeFileSync(join(shadow, 'scipy', '__init__.py'), 'raise ImportError("No module named \'scipy\'")\n');
  const r = spawnSync(PYTHON, ['train.py', '--data', join(root, 'data'), '--out', join(root, 'no-scipy-out'), '--cpu'], {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: shadow },
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/loss weighted_ce computes the U-Net weight map with scipy.*apt-get install python3-scipy/);
}, 60_000);

const SAME_WEIGHTS = `
import json, sys, torch
a, b = (torch.load(p)["model"] for p in sys.argv[1:3])
print(json.dumps({"keys": len(a), "equal": all(torch.equal(a[k], b[k]) for k in a)}))
`;

test.skipIf(!hasImageReader)('--resume after 2 of 4 epochs ends with the weights of a straight run', () => {
  // Valid padding (20x20 input windows around 6x6 label windows, mirrored beyond the border), dropout, SGD with
  // Nesterov momentum, a cosine schedule and the whole augmentation: everything a resume must restore.
  const pkg = emit('resume', tinyValid(), {
    loss: 'bce', crop: [20, 20], augment: AUGMENT, normalize: 'image', epochs: 4, batch: 2,
    optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
    schedule: { ...TRAIN.schedule, kind: 'cosine' },
  });
  const straight = join(root, 'straight');
  train(pkg, straight);
  const resumed = join(root, 'resumed');
  // 5 training images in batches of 2: 3 steps an epoch, so 6 steps end after epoch 2.
  const first = train(pkg, resumed, '--steps', '6');
  expect(first).toMatch(/epoch 2\/4/);
  expect(first).not.toMatch(/epoch 3\/4/);
  const second = train(pkg, resumed, '--resume');
  expect(second).toMatch(/resuming .*last\.pt after epoch 2/);
  expect(second).not.toMatch(/epoch 2\/4/);
  expect(second).toMatch(/epoch 4\/4/);
  expect(runPython<{ epoch: number }>(CHECKPOINT, pkg, [join(resumed, 'last.pt')]).epoch).toBe(4);
  const same = runPython<{ keys: number; equal: boolean }>(SAME_WEIGHTS, pkg, [join(straight, 'last.pt'), join(resumed, 'last.pt')]);
  expect(same.keys).toBeGreaterThan(0);
  expect(same.equal).toBe(true);
}, 60_000);

const CE_DICE = `
import json, torch, train
p1 = torch.tensor([0.9, 0.2, 0.6, 0.1]).reshape(1, 1, 2, 2)
p = torch.cat([1 - p1, p1], dim=1)
target = train.one_hot(torch.tensor([1, 0, 1, 0]).reshape(1, 2, 2), 2)
w = torch.tensor([1.0, 2.0, 3.0, 0.5]).reshape(1, 2, 2)
print(json.dumps({"weighted": train.LOSSES["ce_dice"](p, target, w).item(), "plain": train.LOSSES["ce_dice"](p, target).item(),
                  "map": train.weight_map_of(train.TRAIN) is not None}))
`;

test.skipIf(!hasTorch || !hasScipy)('ce_dice with a weight_map: the weighted cross-entropy (eq. 1) plus the Dice loss, equal to the tfjs loss', () => {
  const pkg = emit('ce-dice-weighted', tinySame(), { loss: 'ce_dice', weightMap: { w0: 10, sigma: 5, cellClass: 1 } });
  const r = runPython<{ weighted: number; plain: number; map: boolean }>(CE_DICE, pkg);
  const ce = (w: number[]) => -(w[0]! * Math.log(0.9) + w[1]! * Math.log(0.8) + w[2]! * Math.log(0.6) + w[3]! * Math.log(0.9)) / 4;
  // Dice smoothed by 1e-6 on both backends: class 0 (2 * 1.7 + s) / (4.2 + s), class 1 (2 * 1.5 + s) / (3.8 + s).
  const s = 1e-6;
  const dice = 1 - ((3.4 + s) / (4.2 + s) + (3 + s) / (3.8 + s)) / 2;
  expect(r.weighted).toBeCloseTo(ce([1, 2, 3, 0.5]) + dice, 6);
  expect(r.plain).toBeCloseTo(ce([1, 1, 1, 1]) + dice, 6);
  expect(r.map).toBe(true);
  // The tfjs backend's loss on the same probabilities, labels and weights.
  const p1 = [0.9, 0.2, 0.6, 0.1];
  const probs = tf.tensor4d(p1.flatMap((v) => [1 - v, v]), [1, 2, 2, 2]);
  const labels = tf.tensor3d([1, 0, 1, 0], [1, 2, 2], 'int32');
  const weights = tf.tensor3d([1, 2, 3, 0.5], [1, 2, 2]);
  expect(r.weighted).toBeCloseTo(crossEntropyDice(probs, labels, weights).dataSync()[0]!, 5);
  expect(r.plain).toBeCloseTo(crossEntropyDice(probs, labels).dataSync()[0]!, 5);
  tf.dispose([probs, labels, weights]);
});

const PLATEAU = `
import json, sys, torch, train
net = torch.nn.Linear(1, 1)
opt = torch.optim.Adam(net.parameters(), lr=train.TRAIN["optimizer"]["lr"])
schedule = train.make_schedule(opt, 10, None)
rates = []
for dice in json.loads(sys.argv[1]):
    schedule.step(dice)
    rates.append(opt.param_groups[0]["lr"])
print(json.dumps(rates))
`;

test.skipIf(!hasTorch)('plateau follows the validation Dice as on tfjs: the same rates for the same Dice sequence', () => {
  const schedule = { ...TRAIN.schedule, kind: 'plateau' as const, patience: 1, factor: 0.5, minLr: 1e-4 };
  const pkg = emit('plateau', tinySame(), { schedule, optimizer: { ...TRAIN.optimizer, lr: 0.01 } });
  // Rises, a tie (not an improvement), falls: the rate halves after more than `patience` epochs
  // without a better Dice, and the count starts again.
  const dices = [0.5, 0.6, 0.6, 0.55, 0.7, 0.69, 0.68, 0.68, 0.67, 0.66];
  const torchRates = runPython<number[]>(PLATEAU, pkg, [JSON.stringify(dices)]);
  const tfjs = new Schedule(schedule, 0.01, 10);
  const tfjsRates = dices.map((d) => {
    tfjs.endEpoch(d);
    return tfjs.getState().lr;
  });
  expect(tfjsRates).toEqual([0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.00125, 0.00125]);
  torchRates.forEach((r, i) => expect(r).toBeCloseTo(tfjsRates[i]!, 12));
});
