// `unet eval RUN_DIR|MODEL.onnx --data DATA`: segments every image as `unet predict` does and
// scores it against its mask: Dice and IoU per class, pixel error, and the ISBI 2012 Rand
// error of the boundary class; a row per image and a summary, or one JSON object (--json).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ENGINE_NAMES, type EngineRequest } from '../../backends/tfjs/engines.ts';
import { loadTrainingData } from '../../backends/tfjs/train/data.ts';
import { writeMaskPng } from '../data/image-io.ts';
import { openEvalModel } from '../eval/model-source.ts';
import { boundaryClassOf, evaluateSamples, selectSplit, type EvalReport, type SplitChoice } from '../eval/run.ts';
import type { ImageScores } from '../eval/score.ts';

interface EvalFlags {
  data: string;
  json?: boolean;
  engine: EngineRequest;
  split: SplitChoice | 'auto';
  boundaryClass?: number;
  masks?: string;
}

/** The columns of the table: Dice and IoU of each foreground class, pixel error, Rand error. */
function tableRows(report: EvalReport): string[] {
  const fg = report.classNames.map((name, k) => ({ name, k })).slice(1);
  const header = ['image', ...fg.flatMap(({ name }) => [`Dice ${name}`, `IoU ${name}`]), 'pixel error', `Rand error (${report.classNames[report.boundaryClass]})`, 's'];
  const cells = (name: string, dice: number[], iou: number[], pixel: number, rand: number, seconds: number) => [
    name,
    ...fg.flatMap(({ k }) => [dice[k].toFixed(4), iou[k].toFixed(4)]),
    pixel.toFixed(4),
    rand.toFixed(4),
    seconds.toFixed(1),
  ];
  const s = report.summary;
  const body = [
    ...report.images.map((r: ImageScores) => cells(r.name, r.dice, r.iou, r.pixelError, r.rand.error, r.seconds)),
    cells(`mean (${s.images})`, s.dice, s.iou, s.pixelError, s.randError, s.seconds),
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.slice(0, -1).map(line), line(body[body.length - 1])];
}

async function evaluate(target: string, flags: EvalFlags): Promise<void> {
  const model = await openEvalModel(target, flags.engine);
  const { ir } = model;
  const classes = Math.max(ir.classes, 2);
  const boundaryClass = flags.boundaryClass ?? boundaryClassOf(ir);
  if (boundaryClass >= classes) throw new Error(`--boundary-class ${boundaryClass}: the network has ${classes} classes (0..${classes - 1})`);
  // By default a run is scored on its own validation images when given its own training data.
  const split: SplitChoice = flags.split === 'auto' ? (model.trainedOn === flags.data ? 'val' : 'all') : flags.split;
  const samples = selectSplit(await loadTrainingData(flags.data, model.dataIr), split, ir.train.valSplit, ir.train.seed);
  if (samples.length === 0) throw new Error(`${flags.data}: no images in the '${split}' split`);
  if (flags.masks) await mkdir(flags.masks, { recursive: true });
  const report = await evaluateSamples(model, samples, {
    data: flags.data,
    split,
    boundaryClass,
    onImage: async (row, pred) => {
      if (flags.masks) await writeMaskPng(join(flags.masks, `${row.name}_pred.png`), pred, Array.from({ length: classes }, (_, k) => Math.round((k * 255) / (classes - 1))));
      if (!flags.json) process.stderr.write(`scored ${row.name} (${row.seconds.toFixed(1)} s)\n`);
    },
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  process.stdout.write(
    `${report.model} on ${report.engine}, window ${report.window.join('x')}: ${report.images.length} image(s) of ${flags.data} (split ${split})\n\n`,
  );
  process.stdout.write(tableRows(report).join('\n') + '\n');
}

function classIndex(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a class index (0, 1, ...), got '${value}'.`);
  return Number(value);
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('score a run (or an exported .onnx) on labelled data: Dice, IoU, pixel error, Rand error')
    .argument('<model>', 'run directory written by `unet train`, or an .onnx file written by `unet export`')
    .requiredOption('--data <data>', "labelled data: a folder (as for `unet train`) or 'builtin:ellipses[:N]'")
    .option('--json', 'print one JSON object instead of the table')
    .addOption(new Option('--engine <engine>', 'tfjs engine for a run directory').choices(['auto', ...ENGINE_NAMES]).default('auto'))
    .addOption(
      new Option('--split <split>', "which images: the run's validation or training images (its seed and val split), or all; auto = val on the run's own data, else all")
        .choices(['auto', 'val', 'train', 'all'])
        .default('auto'),
    )
    .option('--boundary-class <k>', 'class scored by the Rand error (default: a class named membrane/boundary, else 1)', classIndex)
    .option('--masks <dir>', 'also write each predicted mask as <dir>/<name>_pred.png')
    .action(async (model: string, flags: EvalFlags) => evaluate(model, flags));
}
