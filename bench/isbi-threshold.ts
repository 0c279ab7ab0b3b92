/**
 * Is the membrane probability's threshold a lever (issue 15)? For the runs of a side-by-side
 * (bench/isbi-compare.ts --out DIR), writes each contender's membrane probabilities on its
 * seed's validation slices (`unet predict --probabilities`, with the TTA given), and prints
 * membrane Dice and pixel error, pooled over the slices, at each threshold: 0.5 is what `unet
 * eval` and `unet predict` use (the argmax of two classes).
 *
 *   npx tsx bench/isbi-threshold.ts --runs runs/isbi-compare-10m --data ../shared/data/isbi2012 --tta d4
 *
 * The probabilities go through 8-bit PNGs, so a threshold is resolved to 1/255.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectSplit } from '../src/app/eval/run.ts';
import { readImage, readMaskValues } from '../src/data/image-io.ts';
import { loadSamples } from '../src/data/source.ts';
import { compileFile } from '../src/node/compile-file.ts';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: 'runs/isbi-compare-10m' },
    data: { type: 'string', default: '../shared/data/isbi2012' },
    tta: { type: 'string', default: 'd4' },
    thresholds: { type: 'string', default: '0.3,0.4,0.5,0.6,0.7' },
  },
});
const runs = resolve(flags.runs!);
const results = JSON.parse(readFileSync(join(runs, 'results.json'), 'utf8')) as { results: { seed: number }[] };
const thresholds = flags.thresholds!.split(',').map(Number);
const UNET = resolve('bin/unet.js');
// ISBI 2012 labels: 0 = membrane, 255 = cell interior (specs/isbi2012.unet's mask_values 255, 0).
const MEMBRANE_VALUE = 0;

function predict(model: string, images: string[], out: string, extra: string[]): void {
  const r = spawnSync('node', [UNET, 'predict', model, ...images, '--probabilities', '--tta', flags.tta!, '--out', out, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unet predict ${model}: exit ${r.status}\n${r.stderr}`);
}

/** Membrane Dice and pixel error at each threshold, pooled over the slices. */
async function scores(probDir: string, names: string[]): Promise<{ dice: number; error: number }[]> {
  const counts = thresholds.map(() => ({ tp: 0, predicted: 0, truth: 0, wrong: 0, n: 0 }));
  for (const name of names) {
    const p = (await readImage(join(probDir, `${name}_prob.png`))).data;
    const truth = (await readMaskValues(join(resolve(flags.data!), 'labels', `${name}.png`))).data;
    thresholds.forEach((t, k) => {
      const c = counts[k]!;
      for (let i = 0; i < p.length; i++) {
        const [pred, real] = [p[i]! > t, truth[i] === MEMBRANE_VALUE];
        c.tp += +(pred && real);
        c.predicted += +pred;
        c.truth += +real;
        c.wrong += +(pred !== real);
        c.n += 1;
      }
    });
  }
  return counts.map((c) => ({ dice: (2 * c.tp) / (c.predicted + c.truth), error: c.wrong / c.n }));
}

const ir = compileFile('specs/isbi2012.unet').model!;
const samples = await loadSamples(flags.data!, ir);
const tmp = mkdtempSync(join(tmpdir(), 'unet-isbi-threshold-'));
const rows: string[] = [];
for (const { seed } of results.results) {
  const names = selectSplit(samples, 'val', ir.train.valSplit, seed).map((s) => s.name);
  const images = names.map((n) => join(resolve(flags.data!), 'images', `${n}.png`));
  const contenders: [string, string, string[]][] = [
    ['plain PyTorch', join(runs, `baseline-seed${seed}`, 'baseline.onnx'), []],
    ['specs/isbi2012.unet', join(runs, `ours-seed${seed}`), ['--checkpoint', 'last']],
  ];
  for (const [who, model, extra] of contenders) {
    if (!existsSync(model)) throw new Error(`${model}: missing (run bench/isbi-compare.ts --out ${flags.runs} first)`);
    const out = join(tmp, `${who.replace(/\W+/g, '-')}-${seed}`);
    predict(model, images, out, extra);
    const s = await scores(out, names);
    rows.push(`| ${seed} | ${who} | ${s.map((x) => `${x.dice.toFixed(4)} / ${x.error.toFixed(4)}`).join(' | ')} |`);
  }
}
process.stdout.write(
  [
    `Membrane Dice / pixel error on each seed's validation slices (${flags.runs}, TTA ${flags.tta}), by threshold of the membrane probability:`,
    '',
    `| seed | contender | ${thresholds.map((t) => `${t}`).join(' | ')} |`,
    `| --- | --- | ${thresholds.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n'),
);
