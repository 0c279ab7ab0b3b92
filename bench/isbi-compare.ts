/**
 * Issue 15's side-by-side: specs/isbi2012.unet (`unet train --time T`) against the plain
 * PyTorch U-Net of bench/isbi-baseline.py, on the same data, split, seeds and wall-time
 * budget, both scored by `unet eval` (the baseline through `unet import` and `unet export`,
 * so the same code measures both). Per seed, each contender trains alone (the machine is
 * not shared between them), then the table of the issue: mean and spread over the seeds.
 *
 *   npx tsx bench/isbi-compare.ts --data ../shared/data/isbi2012 --time 20m --seeds 1,2,3 --out runs/isbi-compare
 *
 * The seed also draws the 4-slice validation split (src/data/split.ts, val split 0.2), the
 * same for both contenders; evaluation is not counted in the budget. Ours is scored with the
 * weights its training ended with (`--checkpoint last`), as the baseline is: its best
 * checkpoint was picked on these same validation slices. Needs Debian's python3-torch,
 * python3-numpy and python3-pil for the baseline (run by /usr/bin/python3).
 *
 * --tta none|flips|d4: test-time augmentation for our side (part of the recipe); the
 * baseline is then scored twice, plain and with the same TTA, so the table shows what TTA
 * alone is worth.
 * --baseline-from DIR: score the baselines an earlier run of this script trained into DIR
 * (DIR/baseline-seedN/baseline.onnx, same seeds and budget) instead of training them again:
 * a recipe change then costs one contender's training time. Their training is not repeated,
 * so their figures are those of that run.
 * --side-by-side: the two contenders of a seed train at the same time, each pinned to its
 * own core (taskset) with one thread (ours --workers 1, torch.set_num_threads(1)): half the
 * compute each, the whole comparison in a third of the time, and any other load on the
 * machine falls on both alike. The CPU seconds each received are reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSamples } from '../src/data/source.ts';
import { compileFile } from '../src/node/compile-file.ts';
import { selectSplit, type EvalReport } from '../src/app/eval/run.ts';
import { parseDuration } from '../src/language/spec/duration.ts';

// Debian's PyTorch lives in the system python, not a pyenv one that may come first on PATH.
const PYTHON = '/usr/bin/python3';
const UNET = resolve('bin/unet.js');
const BASELINE_SPEC = resolve('bench/isbi-baseline.unet');

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/isbi2012' },
    time: { type: 'string', default: '20m' },
    seeds: { type: 'string', default: '1,2,3' },
    out: { type: 'string', default: 'runs/isbi-compare' },
    spec: { type: 'string', default: 'specs/isbi2012.unet' },
    workers: { type: 'string', default: '2' },
    tta: { type: 'string', default: 'none' },
    'side-by-side': { type: 'boolean', default: false },
    'baseline-from': { type: 'string' },
  },
});
if (!['none', 'flips', 'd4'].includes(flags.tta!)) throw new Error(`--tta ${flags.tta}: expected none, flips or d4`);
const sideBySide = flags['side-by-side']!;
const baselineFrom = flags['baseline-from'] === undefined ? null : resolve(flags['baseline-from']);
if (baselineFrom !== null && sideBySide) throw new Error('--baseline-from reuses trained baselines; --side-by-side trains both contenders at once: use one of them');
const seconds = parseDuration(flags.time!);
if (seconds === null) throw new Error(`--time ${flags.time}: expected a duration such as 20m, 90s or 1h30m`);
if (baselineFrom !== null) {
  // The baselines must have had the same budget, or the comparison is not the protocol's.
  const earlier = join(baselineFrom, 'results.json');
  const budget = existsSync(earlier) ? (JSON.parse(readFileSync(earlier, 'utf8')) as { time?: string }).time : undefined;
  if (budget === undefined || parseDuration(budget) !== seconds) throw new Error(`--baseline-from ${baselineFrom}: its results.json ${budget === undefined ? 'is missing or has no budget' : `has the budget ${budget}`}, not --time ${flags.time}`);
}
const seeds = flags.seeds!.split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds ${flags.seeds}: expected integers >= 0, e.g. 1,2,3`);
const out = resolve(flags.out!);
mkdirSync(out, { recursive: true });

/** CPU seconds (user + system) that /usr/bin/time wrote to `file`. */
function cpuSeconds(file: string): number {
  const [user, system] = readFileSync(file, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return user + system;
}

/**
 * A training command as this mode runs it: side by side, pinned to core `core` and timed
 * by /usr/bin/time into `timing` (CPU seconds); else as is.
 */
function training(command: string, args: string[], core: number, timing: string): [string, string[]] {
  if (!sideBySide) return [command, args];
  return ['taskset', ['-c', `${core}`, '/usr/bin/time', '-f', '%U %S', '-o', timing, command, ...args]];
}

/** Runs a command, its output passed through (stdout unless `echo` is false); resolves with stdout, throws on a non-zero exit. */
function run(command: string, args: string[], echo = true): Promise<string> {
  process.stderr.write(`$ ${[command, ...args].join(' ')}\n`);
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (echo) process.stderr.write(d);
    });
    child.on('close', (code) => (code === 0 ? done(stdout) : fail(new Error(`${command} ${args.join(' ')}: exit ${code}`))));
  });
}

const unet = (...args: string[]) => run('node', [UNET, ...args]);
const evalJson = async (model: string, ...extra: string[]) =>
  JSON.parse((await run('node', [UNET, 'eval', model, '--data', flags.data!, '--split', 'val', '--json', ...extra], false)).trim().split('\n').at(-1)!) as EvalReport;

/** The figures of the issue's table, from `unet eval`'s summary (membrane = the boundary class). */
function figures(report: EvalReport): Record<string, number> {
  const s = report.summary;
  return {
    'membrane Dice': s.dice[report.boundaryClass],
    'pixel error': s.pixelError,
    'V_rand (1 - Rand error)': 1 - s.randError,
    V_info: s.infoScore,
    'warping error (ISBI, probability map)': s.isbiWarping?.error ?? s.warpingError,
  };
}

interface Trained {
  /** Scores it: plain, or with the given test-time augmentation. */
  score: (tta: string) => Promise<EvalReport>;
  /** CPU seconds its training received (side by side only). */
  cpu: number | null;
}

/** specs/isbi2012.unet as issue 15 runs it: `--time T --seed S`, scored at its last checkpoint. */
async function ours(seed: number): Promise<Trained> {
  const dir = join(out, `ours-seed${seed}`);
  const timing = join(out, `ours-seed${seed}.time`);
  const workers = sideBySide ? '1' : flags.workers!;
  const [command, args] = training('node', [UNET, 'train', flags.spec!, '--data', flags.data!, '--time', flags.time!, '--seed', `${seed}`, '--workers', workers, '--out', dir], 0, timing);
  await run(command, args);
  return { score: (tta) => evalJson(dir, '--checkpoint', 'last', '--tta', tta), cpu: sideBySide ? cpuSeconds(timing) : null };
}

/** The baseline's spec with this seed (it draws the split), beside its runs. */
function baselineSpec(seed: number, dir: string): string {
  const text = readFileSync(BASELINE_SPEC, 'utf8')
    .replace('from "../specs/milesial.unet"', `from "${resolve('specs/milesial.unet')}"`)
    .replace(/^(\s*seed\s+)\d+/m, `$1${seed}`);
  const path = join(dir, 'isbi-baseline.unet');
  writeFileSync(path, text);
  return path;
}

/** bench/isbi-baseline.py on the training slices of the seed's split, then imported and exported for scoring. */
async function baseline(seed: number): Promise<Trained> {
  if (baselineFrom !== null) {
    const scored = join(baselineFrom, `baseline-seed${seed}`, 'baseline.onnx');
    if (!existsSync(scored)) throw new Error(`--baseline-from ${baselineFrom}: ${scored} does not exist (train seed ${seed}'s baseline there first)`);
    return { score: (tta) => evalJson(scored, '--tta', tta), cpu: null };
  }
  const dir = join(out, `baseline-seed${seed}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = baselineSpec(seed, dir);
  const ir = compileFile(spec).model;
  if (!ir) throw new Error(`${spec}: does not compile (run \`unet check ${spec}\`)`);
  const val = selectSplit(await loadSamples(flags.data!, ir), 'val', ir.train.valSplit, ir.train.seed).map((s) => s.name);
  const torchOnnx = join(dir, 'torch.onnx');
  const timing = join(out, `baseline-seed${seed}.time`);
  const threads = sideBySide ? ['--threads', '1'] : [];
  const [command, args] = training(PYTHON, ['bench/isbi-baseline.py', '--data', flags.data!, '--val', val.join(','), '--time', `${seconds}`, '--seed', `${seed}`, '--onnx', torchOnnx, ...threads], 1, timing);
  await run(command, args);
  await unet('import', spec, '--onnx', torchOnnx, '--out', join(dir, 'run'), '--input-size', '256x256');
  const scored = join(dir, 'baseline.onnx');
  await unet('export', join(dir, 'run'), '--onnx', scored);
  return { score: (tta) => evalJson(scored, '--tta', tta), cpu: sideBySide ? cpuSeconds(timing) : null };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
// One seed has no spread: print the value alone rather than a misleading ± 0.
const cell = (v: number[]) => (v.length < 2 ? mean(v).toFixed(4) : `${mean(v).toFixed(4)} ± ${sd(v).toFixed(4)}`);

type Figures = Record<string, number>;
const results: { seed: number; baseline: Figures; baselineTta: Figures | null; ours: Figures; cpu: { baseline: number; ours: number } | null }[] = [];
for (const seed of seeds) {
  // Side by side: both at once on their own cores; else one after the other, each alone.
  const [b, o] = sideBySide ? await Promise.all([baseline(seed), ours(seed)]) : [await baseline(seed), await ours(seed)];
  const [bPlain, oScored] = [await b.score('none'), await o.score(flags.tta!)];
  const names = (r: EvalReport) => r.images.map((i) => i.name).join(',');
  if (names(bPlain) !== names(oScored)) throw new Error(`seed ${seed}: the contenders were scored on different slices (${names(bPlain)} / ${names(oScored)})`);
  results.push({
    seed,
    baseline: figures(bPlain),
    baselineTta: flags.tta === 'none' ? null : figures(await b.score(flags.tta!)),
    ours: figures(oScored),
    cpu: b.cpu === null || o.cpu === null ? null : { baseline: b.cpu, ours: o.cpu },
  });
  writeFileSync(join(out, 'results.json'), JSON.stringify({ time: flags.time, data: flags.data, spec: flags.spec, tta: flags.tta, sideBySide, baselineFrom, results }, null, 1) + '\n');
}

const withTta = flags.tta !== 'none';
const rows = Object.keys(results[0].ours).map((figure) => {
  const pick = (who: 'baseline' | 'baselineTta' | 'ours') => results.map((r) => r[who]![figure]);
  return `| ${figure} | ${cell(pick('baseline'))} |${withTta ? ` ${cell(pick('baselineTta'))} |` : ''} ${cell(pick('ours'))} |`;
});
const cpuRow = results[0].cpu
  ? [`| CPU seconds of training | ${cell(results.map((r) => r.cpu!.baseline))} |${withTta ? ' |' : ''} ${cell(results.map((r) => r.cpu!.ours))} |`]
  : [];
const how = sideBySide ? 'side by side, one core and one thread each' : 'one after the other, the whole machine each';
process.stdout.write(
  [
    `${flags.time} of training each (${how}) on ${flags.data}, seeds ${seeds.join(', ')} (mean ± sample standard deviation over seeds; validation slices of each seed's split; ours at its last checkpoint${withTta ? `, TTA ${flags.tta}` : ''})`,
    '',
    `| figure | plain PyTorch U-Net (bench/isbi-baseline.py) |${withTta ? ` the same with TTA ${flags.tta} |` : ''} ${flags.spec} |`,
    `| --- | --- |${withTta ? ' --- |' : ''} --- |`,
    ...rows,
    ...cpuRow,
    '',
  ].join('\n'),
);
