// `unet predict RUN IMAGE... --out DIR`: segments images with a trained run (its best/
// checkpoint) and writes, per image, <stem>_mask.png and <stem>_overlay.png.
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { ENGINE_NAMES, selectEngine, type EngineRequest } from '../../backends/tfjs/engines.ts';
import { predictionCheckpoint, tfjsPredictor } from '../../backends/tfjs/train/predictor.ts';
import { readRunDir } from '../../backends/tfjs/train/run-dir.ts';
import { classProbability, overlay, segmentImage, toMask } from '../../backends/tfjs/train/segment.ts';
import { readImage, writeImagePng, writeMaskPng } from '../data/image-io.ts';

interface PredictFlags {
  out: string;
  engine: EngineRequest;
  probabilities?: boolean;
}

/** Class k as gray value k * 255 / (K - 1), so the classes are visible (0 and 255 for two). */
function visibleValues(classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => Math.round((k * 255) / Math.max(classes - 1, 1)));
}

async function predict(run: string, images: string[], flags: PredictFlags): Promise<void> {
  const { ir, config } = await readRunDir(run);
  const checkpoint = predictionCheckpoint(run);
  // Read every image first, so an unreadable one stops the command before anything is written.
  const loaded = [];
  for (const path of images) loaded.push({ path, image: await readImage(path) });
  for (const { path, image } of loaded) {
    if (image.channels !== ir.input.channels) {
      throw new Error(`${path}: image has ${image.channels} channels, the network of ${run} takes ${ir.input.channels}`);
    }
  }
  const engine = await selectEngine(flags.engine);
  const predictor = await tfjsPredictor(ir, checkpoint);
  await mkdir(flags.out, { recursive: true });
  const classes = Math.max(ir.classes, 2);
  for (const { path, image } of loaded) {
    const stem = basename(path, extname(path));
    const probs = await segmentImage(image, ir, config.normalizer, config.inputSize, predictor);
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
  process.stdout.write(`predicted ${loaded.length} image(s) with ${checkpoint} on ${engine.name}\n`);
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('segment images with a trained run: a mask PNG and an overlay PNG per image')
    .argument('<run>', 'run directory written by `unet train`')
    .argument('<images...>', 'images to segment (PNG, TIFF, JPEG)')
    .requiredOption('--out <dir>', 'output folder')
    .addOption(new Option('--engine <engine>', 'tfjs engine').choices(['auto', ...ENGINE_NAMES]).default('auto'))
    .option('--probabilities', 'write foreground probabilities (<stem>_prob.png) instead of class masks')
    .action(async (run: string, images: string[], flags: PredictFlags) => predict(run, images, flags));
}
