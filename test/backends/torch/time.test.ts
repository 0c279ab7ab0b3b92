// train.py for a wall-time budget (the spec's `time`, --time): budget.py reads durations and
// sets cosine and poly rates as `unet train` does; a tiny spec with `time 3s` trains past its
// `epochs` and stops at the first step that ends past the budget, validated and checkpointed;
// --time overrides the spec; --resume with a longer budget continues with the time already
// spent; under torchrun both ranks stop at the same step with the same weights.
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { Schedule } from '../../../src/backends/tfjs/train/schedules.ts';
import { compileSource } from '../../../src/language/compile.ts';
import type { TrainConfig } from '../../../src/language/ir/types.ts';
import { parseDuration } from '../../../src/language/spec/duration.ts';
import { writeData } from './data.ts';
import { hasImageReader, hasTorch, hasTorchrun, PYTHON, runPython, TORCHRUN, torchrunLocal, warnSkip } from './python.ts';

const BUDGET = 3;
const [BASE_LR, MIN_LR] = [0.01, 1e-4];
// batch 4 of the 4 training images (5 images, val_split 0.2): one step per epoch, so each
// progress line is one step and "the first step past the budget" can be read off the log.
const SPEC = `unet Tiny {
  input 1 x 16 x 16
  output 2 classes softmax
  depth 2
  filters 4 doubling
  padding same
  train {
    loss ce_dice
    optimizer adam lr ${BASE_LR}
    schedule cosine min_lr ${MIN_LR}
    batch 4
    epochs 2
    val_split 0.2
    seed 7
    time ${BUDGET}s
  }
}
`;

const hasPython = spawnSync(PYTHON, ['--version'], { stdio: 'ignore' }).status === 0;
const env = { ...process.env, OMP_NUM_THREADS: '1' };

let root = '';
let pkg = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'unet-torch-time-'));
  pkg = join(root, 'pkg');
  const { model, diagnostics } = compileSource(SPEC, 'tiny.unet');
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  emitTorch(model, pkg, { origin: 'tiny.unet' });
  if (hasImageReader) await writeData(join(root, 'data'), 5);
});

function train(out: string, ...flags: string[]): string {
  return execFileSync(PYTHON, ['train.py', '--data', join(root, 'data'), '--out', out, '--cpu', ...flags], { cwd: pkg, encoding: 'utf8', env });
}

interface Epoch {
  epoch: number;
  elapsed: number;
  validated: boolean;
  lr: number;
}

/** The progress lines of a budgeted run: `epoch 7 (2.98 of 3 s): loss ..., val loss ... | validation not due, lr ...`. */
function epochs(log: string): Epoch[] {
  return [...log.matchAll(/^(?:\[default0\]:)?epoch (\d+) \(([\d.]+) of [\d.]+ s\): loss [\d.]+, (val loss|validation not due).*, lr ([\d.e+-]+)$/gm)].map((m) => ({
    epoch: Number(m[1]),
    elapsed: Number(m[2]),
    validated: m[3] === 'val loss',
    lr: Number(m[4]),
  }));
}

/** `time budget reached: 3.01 s of 3 s after step 40 (epoch 40)` */
function reached(log: string): { elapsed: number; budget: number; step: number } {
  const m = /time budget reached: ([\d.]+) s of ([\d.]+) s after step (\d+) \(epoch \d+\)/.exec(log);
  expect(m, log).not.toBeNull();
  return { elapsed: Number(m![1]), budget: Number(m![2]), step: Number(m![3]) };
}

const CHECKPOINT = `
import json, sys, torch
c = torch.load(sys.argv[1])
print(json.dumps({"epoch": c["epoch"], "steps": c["steps"], "elapsed": c["elapsed"], "lr": c["optimizer"]["param_groups"][0]["lr"]}))
`;
const checkpoint = (out: string) => runPython<{ epoch: number; steps: number; elapsed: number; lr: number }>(CHECKPOINT, pkg, [join(out, 'last.pt')]);

describe('budget.py follows the rules of unet train --time', () => {
  test.skipIf(!hasPython)('parse_duration reads what parseDuration reads, and bare seconds besides', () => {
    const texts = ['90s', '20m', '1h30m', '1.5h', '2m3s', ' 20m ', '', 'm', '30m1h', '20 min', '-5s', '0s', '1h1h'];
    const script = 'import json, sys\nfrom budget import parse_duration\nprint(json.dumps([parse_duration(t) for t in json.loads(sys.argv[1])]))';
    expect(runPython<(number | null)[]>(script, pkg, [JSON.stringify(texts)])).toEqual(texts.map(parseDuration));
    expect(runPython<(number | null)[]>(script, pkg, [JSON.stringify(['90', '2.5', '0'])])).toEqual([90, 2.5, null]);
  });

  test.skipIf(!hasPython)('lr_at is Schedule.lrAt for cosine and poly at every fraction of the budget', () => {
    const schedules: TrainConfig['schedule'][] = [
      { kind: 'cosine', patience: 5, factor: 0.1, power: 0.9, minLr: 1e-4 },
      { kind: 'poly', patience: 5, factor: 0.1, power: 0.9, minLr: 1e-5 },
      { kind: 'poly', patience: 5, factor: 0.1, power: 2, minLr: 0 },
    ];
    const fractions = [-0.1, 0, 0.25, 0.5, 0.9, 1, 1.5];
    const cases = schedules.flatMap((s) => fractions.map((f) => [s, 0.02, f] as const));
    const script = 'import json, sys\nfrom budget import lr_at\nprint(json.dumps([lr_at(s, b, f) for s, b, f in json.loads(sys.argv[1])]))';
    const got = runPython<number[]>(script, pkg, [JSON.stringify(cases)]);
    cases.forEach(([s, base, f], i) => expect(got[i], `${s.kind} at ${f}`).toBeCloseTo(new Schedule(s, base, 1).lrAt(f), 12));
  });
});

if (!hasTorch) warnSkip('the time-budget tests of train.py');

describe('train.py with a time budget', () => {
  let log = '';
  const out = () => join(root, 'out');
  beforeAll(() => {
    if (hasImageReader) log = train(out());
  }, 60_000);

  test.skipIf(!hasImageReader)('`time 3s` trains past `epochs 2` and stops at the first step past the budget, validated and checkpointed', () => {
    const lines = epochs(log);
    expect(log).toMatch(/time budget 3 s \(0\.0 s spent before\): epochs are no limit/);
    expect(lines.length).toBeGreaterThan(2);
    // The step before the last ended within the budget, the last past it (the log rounds to 0.01 s).
    const [before, last] = lines.slice(-2);
    expect(before.elapsed).toBeLessThanOrEqual(BUDGET);
    expect(last.elapsed).toBeGreaterThanOrEqual(BUDGET);
    expect(reached(log)).toEqual({ elapsed: expect.closeTo(last.elapsed, 2), budget: BUDGET, step: lines.length });
    expect(lines[0].validated && last.validated).toBe(true);
    const saved = checkpoint(out());
    expect(saved).toMatchObject({ epoch: last.epoch, steps: lines.length });
    expect(saved.elapsed).toBeGreaterThanOrEqual(BUDGET);
  });

  test.skipIf(!hasImageReader)('cosine follows the elapsed fraction of the budget and ends near min_lr', () => {
    const lines = epochs(log);
    expect(lines[0].lr).toBeCloseTo(BASE_LR, 4);
    for (let i = 1; i < lines.length; i++) expect(lines[i].lr).toBeLessThanOrEqual(lines[i - 1].lr);
    // The rate of a step is the schedule's at the end of the step before; the log rounds that
    // time to 0.005 s, and the cosine's rate changes by at most (lr - min_lr) pi / 2 per budget.
    const cosine = new Schedule({ kind: 'cosine', patience: 5, factor: 0.1, power: 0.9, minLr: MIN_LR }, BASE_LR, 1);
    const [before, last] = lines.slice(-2);
    const { lr } = checkpoint(out());
    expect(Math.abs(lr - cosine.lrAt(before.elapsed / BUDGET))).toBeLessThanOrEqual(((BASE_LR - MIN_LR) * Math.PI) / 2 * (0.005 / BUDGET) + 1e-12);
    expect(lr).toBeCloseTo(last.lr, 5);
    expect(lr - MIN_LR).toBeLessThan(0.1 * (BASE_LR - MIN_LR));
  });

  test.skipIf(!hasImageReader)('--resume with a longer --time continues with the time already spent', () => {
    const first = checkpoint(out());
    const resumedOut = join(root, 'resumed');
    cpSync(out(), resumedOut, { recursive: true });
    const resumed = train(resumedOut, '--resume', '--time', '4.5s');
    const spent = Number(/time budget 4\.5 s \(([\d.]+) s spent before\)/.exec(resumed)?.[1]);
    expect(spent).toBeCloseTo(first.elapsed, 1);
    const lines = epochs(resumed);
    expect(lines[0].epoch).toBe(first.epoch + 1);
    expect(lines.at(-2)!.elapsed).toBeLessThanOrEqual(4.5);
    expect(reached(resumed)).toMatchObject({ budget: 4.5, step: first.steps + lines.length });
    const saved = checkpoint(resumedOut);
    expect(saved.epoch).toBe(first.epoch + lines.length);
    expect(saved.elapsed).toBeGreaterThanOrEqual(4.5);
    // The same budget again: nothing left to train, exit 0, last.pt untouched.
    expect(train(resumedOut, '--resume', '--time', '4.5s')).toMatch(/time budget 4\.5 s already spent \([\d.]+ s in .*last\.pt\): nothing to train/);
    expect(checkpoint(resumedOut)).toEqual(saved);
  }, 30_000);

  test.skipIf(!hasImageReader)('--time overrides the spec\'s time; a malformed one is refused, naming the flag', () => {
    const overridden = join(root, 'overridden');
    const fast = train(overridden, '--time', '1.5');
    expect(reached(fast).budget).toBe(1.5);
    expect(epochs(fast).at(-1)!.elapsed).toBeLessThan(BUDGET);
    expect(existsSync(join(overridden, 'last.pt'))).toBe(true);
    const bad = spawnSync(PYTHON, ['train.py', '--data', join(root, 'data'), '--time', '20 min', '--cpu'], { cwd: pkg, encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/argument --time: expected seconds or a duration such as 20m, 90s or 1h30m .*got '20 min'/);
  }, 30_000);
});

if (hasTorch && !hasTorchrun) console.warn(`skipping the torchrun time-budget test: ${TORCHRUN} is missing (it comes with Debian's python3-torch)`);

const SAME_STEP = `
import json, sys, torch
a, b = (torch.load(p) for p in sys.argv[1:3])
print(json.dumps({"steps": [a["steps"], b["steps"]],
                  "maxDiff": max((a["model"][k] - b["model"][k]).abs().max().item() for k in a["model"])}))
`;

test.skipIf(!hasTorchrun || !hasImageReader)('torchrun --nproc_per_node 2 (gloo) under a budget: both ranks stop at the same step with the same weights', () => {
  const out = join(root, 'ddp');
  // --batch 2 per rank: one step per epoch on each rank's 2 images.
  const log = execFileSync(
    TORCHRUN,
    [...torchrunLocal(2), 'train.py', '--data', join(root, 'data'), '--out', out, '--time', '2s', '--batch', '2', '--backend', 'gloo', '--cpu', '--save-every-rank'],
    { cwd: pkg, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { step } = reached(log);
  expect(step).toBeGreaterThan(2);
  // Rank 0's clock sets the cosine rate of every rank: a rank on its own clock would diverge.
  expect(runPython(SAME_STEP, pkg, [join(out, 'final-rank0.pt'), join(out, 'final-rank1.pt')])).toEqual({ steps: [step, step], maxDiff: 0 });
}, 60_000);
