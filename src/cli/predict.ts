// `unet predict RUN|MODEL.onnx IMAGE... --out DIR`: segments images with a trained run (its
// best checkpoint, on a tfjs engine) or an exported ONNX file (onnxruntime), through the same
// overlap-tile code, and writes per image <stem>_mask.png and <stem>_overlay.png. A 3D
// network takes volumes (multi-page TIFFs, one page per slice) and writes <stem>_mask.tif,
// one page per slice (no overlay).
import { checkpointOption } from './checkpoint-option.ts';
import type { CheckpointName } from '../io/checkpoints.ts';
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { ENGINE_NAMES, type EngineRequest } from '../backends/tfjs/engines.ts';
import { readRunDir } from '../app/train/run-dir.ts';
import { classProbability, overlay, segmentImage, toMask } from '../data/segment.ts';
import { DataError } from '../data/errors.ts';
import type { TtaMode } from '../data/tta.ts';
import { ttaOption } from './tta-option.ts';
import { readImage, writeImagePng, writeMaskPng } from '../data/image-io.ts';
import type { Volume } from '../data/types.ts';
import { readVolume, writeMaskVolumeTiff, writeVolumeTiff } from '../data/volume-io.ts';
import { openEvalModel, type EvalModel } from '../app/eval/model-source.ts';

interface PredictFlags {
  out: string;
  engine: EngineRequest | 'onnx';
  probabilities?: boolean;
  tta: TtaMode;
  checkpoint: CheckpointName;
}

/** Where `unet export RUN --onnx RUN/model.onnx` puts a run's export, which predict then prefers. */
export const RUN_ONNX = 'model.onnx';

/**
 * The model to segment with: an .onnx file in onnxruntime; a run directory on onnxruntime
 * when asked (--engine onnx) or when the run holds an export (--engine auto), else on tfjs.
 */
async function openModel(path: string, engine: PredictFlags['engine'], checkpoint: CheckpointName): Promise<EvalModel> {
  const isRun = existsSync(path) && statSync(path).isDirectory();
  const exported = isRun ? join(path, RUN_ONNX) : path;
  if (!isRun && engine !== 'auto' && engine !== 'onnx') throw new Error(`--engine ${engine} is a TensorFlow.js engine, but ${path} is an ONNX file: it runs in onnxruntime (--engine onnx)`);
  // --checkpoint last asks for a run's own checkpoint: its export (one set of weights) is not used then.
  const onnx = !isRun || engine === 'onnx' || (engine === 'auto' && checkpoint === 'best' && existsSync(exported));
  if (!onnx) return openEvalModel(path, engine as EngineRequest, checkpoint);
  if (checkpoint !== 'best') throw new Error(`--checkpoint ${checkpoint} picks a run directory's checkpoint on a tfjs engine; ${isRun ? `--engine onnx runs ${exported}` : `${path} is an .onnx file`}, one set of weights`);
  if (isRun && !existsSync(exported)) throw new Error(`${path} has no ${RUN_ONNX}: run \`unet export ${path} --onnx ${exported}\` first, or pick a tfjs engine`);
  const model = await openEvalModel(exported, 'auto');
  // A run's export is tiled with the window the run was trained at.
  return isRun ? { ...model, window: (await readRunDir(path)).config.inputSize } : model;
}

/** Class k as gray value k * 255 / (K - 1), so the classes are visible (0 and 255 for two). */
function visibleValues(classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => Math.round((k * 255) / Math.max(classes - 1, 1)));
}

/** Reads a volume for a 3D network; a single page is a 2D image, refused by name. */
async function readInputVolume(path: string): Promise<Volume> {
  const volume = await readVolume(path);
  if (volume.depth === 1) throw new DataError(path, 'is a single 2D image (1 page): a 3D network takes volumes, multi-page TIFFs with one page per slice');
  return volume;
}

/** Segments volumes: per volume <stem>_mask.tif (or _prob.tif), one page per slice. */
async function predictVolumes(model: EvalModel, paths: string[], flags: PredictFlags): Promise<void> {
  const { ir, normalizer, window, predictor } = model;
  const loaded = [];
  for (const path of paths) loaded.push({ path, volume: await readInputVolume(path) });
  for (const { path, volume } of loaded) {
    if (volume.channels !== ir.input.channels) throw new Error(`${path}: volume has ${volume.channels} channels, the network takes ${ir.input.channels}`);
  }
  await mkdir(flags.out, { recursive: true });
  const classes = Math.max(ir.classes, 2);
  for (const { path, volume } of loaded) {
    const stem = basename(path, extname(path));
    const probs = await segmentImage(volume, ir, normalizer, window, predictor, { tta: flags.tta });
    const written = [];
    if (flags.probabilities) {
      for (let k = 1; k < classes; k++) {
        const file = join(flags.out, `${stem}_prob${classes === 2 ? '' : `_${ir.classNames[k] ?? k}`}.tif`);
        await writeVolumeTiff(file, classProbability(probs, k));
        written.push(file);
      }
    } else {
      written.push(join(flags.out, `${stem}_mask.tif`));
      await writeMaskVolumeTiff(written[0], toMask(probs), visibleValues(classes));
    }
    process.stdout.write(`${path} -> ${written.join(', ')} (${volume.depth} pages)\n`);
  }
  process.stdout.write(`predicted ${loaded.length} volume(s) with ${model.description} on ${model.engine}\n`);
}

async function predict(run: string, images: string[], flags: PredictFlags): Promise<void> {
  const model = await openModel(run, flags.engine, flags.checkpoint);
  if (model.ir.dims === 3) return predictVolumes(model, images, flags);
  const { ir, normalizer, window, predictor } = model;
  // Read every image first, so an unreadable one stops the command before anything is written.
  const loaded = [];
  for (const path of images) loaded.push({ path, image: await readImage(path) });
  for (const { path, image } of loaded) {
    if (image.channels !== ir.input.channels) {
      throw new Error(`${path}: image has ${image.channels} channels, the network of ${run} takes ${ir.input.channels}`);
    }
  }
  await mkdir(flags.out, { recursive: true });
  const classes = Math.max(ir.classes, 2);
  for (const { path, image } of loaded) {
    const stem = basename(path, extname(path));
    const probs = await segmentImage(image, ir, normalizer, window, predictor, { tta: flags.tta });
    const mask = toMask(probs);
    if (flags.probabilities) {
      for (let k = 1; k < classes; k++) {
        const suffix = classes === 2 ? '' : `_${ir.classNames[k] ?? k}`;
        await writeImagePng(join(flags.out, `${stem}_prob${suffix}.png`), classProbability(probs, k));
      }
    } else {
      await writeMaskPng(join(flags.out, `${stem}_mask.png`), mask, visibleValues(classes));
    }
    await writeImagePng(join(flags.out, `${stem}_overlay.png`), overlay(image, mask));
    process.stdout.write(`${path} -> ${join(flags.out, stem)}_{${flags.probabilities ? 'prob' : 'mask'},overlay}.png\n`);
  }
  process.stdout.write(`predicted ${loaded.length} image(s) with ${model.description} on ${model.engine}\n`);
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('segment images with a trained run: a mask PNG and an overlay PNG per image (3D: a multi-page mask TIFF per volume)')
    .argument('<model>', `run directory written by \`unet train\`, or an .onnx file written by \`unet export\``)
    .argument('<images...>', 'images to segment (PNG, TIFF, JPEG); for a 3D network, volumes (multi-page TIFF, one page per slice)')
    .requiredOption('--out <dir>', 'output folder')
    .addOption(
      new Option('--engine <engine>', `onnx (onnxruntime: an .onnx file, or the run's ${RUN_ONNX}) or a tfjs engine; auto prefers the run's ${RUN_ONNX} when it has one`)
        .choices(['auto', 'onnx', ...ENGINE_NAMES])
        .default('auto'),
    )
    .addHelpText('after', `\nExamples:\n  unet predict runs/ellipses img.png --out masks/\n  unet export runs/ellipses --onnx runs/ellipses/${RUN_ONNX} && unet predict runs/ellipses img.png --out masks/  (onnxruntime)`)
    .addOption(ttaOption())
    .addOption(checkpointOption())
    .option('--probabilities', 'write foreground probabilities (<stem>_prob.png) instead of class masks')
    .action(async (run: string, images: string[], flags: PredictFlags) => predict(run, images, flags));
}
