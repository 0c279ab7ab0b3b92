// `unet eval RUN_DIR|MODEL.onnx --data DATA`: segments every image as `unet predict` does and
// scores it against its mask: Dice and IoU per class, pixel error, and the ISBI 2012 Rand error,
// information score V_info and warping error of the boundary class; a row per image and a summary, or one JSON object (--json).
// A 3D network is scored per volume: Dice, IoU and pixel error over its voxels, the Rand and
// warping errors slice by slice (src/app/eval/score-volume.ts).
import { checkpointOption } from './checkpoint-option.ts';
import type { CheckpointName } from '../io/checkpoints.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ENGINE_NAMES, type EngineRequest } from '../backends/tfjs/engines.ts';
import { loadSamples } from '../data/source.ts';
import { writeMaskPng } from '../data/image-io.ts';
import { writeMaskVolumeTiff } from '../data/volume-io.ts';
import { openEvalModel } from '../app/eval/model-source.ts';
import { boundaryClassOf, evaluateSamples, selectSplit, type EvalReport, type SplitChoice } from '../app/eval/run.ts';
import type { ImageScores } from '../app/eval/score.ts';
import type { TtaMode } from '../data/tta.ts';
import { ttaOption } from './tta-option.ts';
import type { Sample, VolumeSample } from '../data/types.ts';

interface EvalFlags {
  data: string;
  json?: boolean;
  engine: EngineRequest;
  split: SplitChoice | 'auto';
  boundaryClass?: number;
  masks?: string;
  tta: TtaMode;
  checkpoint: CheckpointName;
}

/**
 * The columns of the table: Dice and IoU of each foreground class, pixel error, Rand error,
 * V_info, warping error with its splits and mergers (errors, not pixels); the mean row averages them.
 */
function tableRows(report: EvalReport): string[] {
  const fg = report.classNames.map((name, k) => ({ name, k })).slice(1);
  const boundary = report.classNames[report.boundaryClass];
  const header = ['image', ...fg.flatMap(({ name }) => [`Dice ${name}`, `IoU ${name}`]), 'pixel error', `Rand error (${boundary})`, `V_info (${boundary})`, `warping error (${boundary})`, 'splits', 'mergers', 's'];
  interface Figures {
    dice: number[];
    iou: number[];
    pixel: number;
    rand: number;
    info: number;
    warping: number;
    splits: string;
    mergers: string;
    seconds: number;
  }
  const cells = (name: string, f: Figures) => [
    name,
    ...fg.flatMap(({ k }) => [f.dice[k].toFixed(4), f.iou[k].toFixed(4)]),
    f.pixel.toFixed(4),
    f.rand.toFixed(4),
    f.info.toFixed(4),
    f.warping.toFixed(6),
    f.splits,
    f.mergers,
    f.seconds.toFixed(1),
  ];
  const s = report.summary;
  const body = [
    ...report.images.map((r: ImageScores) =>
      cells(r.name, { dice: r.dice, iou: r.iou, pixel: r.pixelError, rand: r.rand.error, info: r.info.score, warping: r.warping.error, splits: `${r.warping.splits}`, mergers: `${r.warping.mergers}`, seconds: r.seconds }),
    ),
    cells(`mean (${s.images})`, {
      dice: s.dice,
      iou: s.iou,
      pixel: s.pixelError,
      rand: s.randError,
      info: s.infoScore,
      warping: s.warpingError,
      splits: s.warpingSplits.toFixed(1),
      mergers: s.warpingMergers.toFixed(1),
      seconds: s.seconds,
    }),
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.slice(0, -1).map(line), line(body[body.length - 1])];
}

/** The challenge's own warping figure, from the probability maps (src/app/eval/score.ts). */
function isbiWarpingLine(report: EvalReport): string[] {
  const w = report.summary.isbiWarping;
  if (!w) return [];
  return [
    '',
    `ISBI 2012 warping error (probability maps, least mean over thresholds 0.0-0.9): ${w.error.toFixed(6)} at threshold ${w.threshold.toFixed(1)}`,
  ];
}

async function evaluate(target: string, flags: EvalFlags): Promise<void> {
  const model = await openEvalModel(target, flags.engine, flags.checkpoint);
  const { ir } = model;
  const classes = Math.max(ir.classes, 2);
  const boundaryClass = flags.boundaryClass ?? boundaryClassOf(ir);
  if (boundaryClass >= classes) throw new Error(`--boundary-class ${boundaryClass}: the network has ${classes} classes (0..${classes - 1})`);
  // By default a run is scored on its own validation images when given its own training data.
  const split: SplitChoice = flags.split === 'auto' ? (model.trainedOn === flags.data ? 'val' : 'all') : flags.split;
  const samples = selectSplit<Sample | VolumeSample>(await loadSamples(flags.data, model.dataIr), split, ir.train.valSplit, ir.train.seed) as Sample[] | VolumeSample[];
  if (samples.length === 0) throw new Error(`${flags.data}: no images in the '${split}' split`);
  if (flags.masks) await mkdir(flags.masks, { recursive: true });
  const report = await evaluateSamples(model, samples, {
    data: flags.data,
    split,
    boundaryClass,
    tta: flags.tta,
    onImage: async (row, pred) => {
      const values = Array.from({ length: classes }, (_, k) => Math.round((k * 255) / (classes - 1)));
      if (flags.masks && 'depth' in pred) await writeMaskVolumeTiff(join(flags.masks, `${row.name}_pred.tif`), pred, values);
      else if (flags.masks) await writeMaskPng(join(flags.masks, `${row.name}_pred.png`), pred, values);
      if (!flags.json) process.stderr.write(`scored ${row.name} (${row.seconds.toFixed(1)} s)\n`);
    },
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return;
  }
  process.stdout.write(
    `${report.model} on ${report.engine}, window ${report.window.join('x')}${report.tta === 'none' ? '' : `, TTA ${report.tta}`}: ${report.images.length} ${ir.dims === 3 ? 'volume(s)' : 'image(s)'} of ${flags.data} (split ${split})` +
      `${ir.dims === 3 ? '; Rand error, V_info and warping error are means over slices' : ''}\n\n`,
  );
  process.stdout.write([...tableRows(report), ...isbiWarpingLine(report)].join('\n') + '\n');
}

function classIndex(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a class index (0, 1, ...), got '${value}'.`);
  return Number(value);
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('score a run (or an exported .onnx) on labelled data: Dice, IoU, pixel error, Rand error, V_info, warping error')
    .argument('<model>', 'run directory written by `unet train`, or an .onnx file written by `unet export`')
    .requiredOption('--data <data>', "labelled data: a folder (as for `unet train`), 'builtin:ellipses[:N]' or (3D) 'builtin:ellipsoids[:N]'")
    .option('--json', 'print one JSON object instead of the table')
    .addOption(new Option('--engine <engine>', 'tfjs engine for a run directory').choices(['auto', ...ENGINE_NAMES]).default('auto'))
    .addOption(
      new Option('--split <split>', "which images: the run's validation or training images (its seed and val split), or all; auto = val on the run's own data, else all")
        .choices(['auto', 'val', 'train', 'all'])
        .default('auto'),
    )
    .option('--boundary-class <k>', 'class scored as membrane by the Rand and warping errors (default: a class named membrane/boundary, else 1)', classIndex)
    .addOption(ttaOption())
    .addOption(checkpointOption())
    .option('--masks <dir>', 'also write each predicted mask as <dir>/<name>_pred.png (3D: <name>_pred.tif, one page per slice)')
    .action(async (model: string, flags: EvalFlags) => evaluate(model, flags));
}
