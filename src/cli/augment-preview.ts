// `unet augment-preview SPEC --data DATA --out grid.png`: a PNG grid of training samples as
// the spec's train section prepares them (src/app/eval/augment-preview.ts), so a user sees what
// the network is trained on before spending an hour on it.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadTrainingData } from '../data/source.ts';
import { compileFile } from '../node/compile-file.ts';
import type { AugmentConfig } from '../language/ir/types.ts';
import { parseAugmentOption } from './spec-input.ts';
import { writeImagePng } from '../data/image-io.ts';
import { formatDiagnostics } from '../language/diagnostics.ts';
import { previewSamples, renderPreview } from '../app/eval/augment-preview.ts';

interface PreviewFlags {
  data: string;
  out: string;
  count: number;
  seed?: number;
  weights?: boolean;
  augment?: Partial<AugmentConfig>;
}

function integerFlag(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'.`);
    return Number(value);
  };
}

async function preview(specPath: string, flags: PreviewFlags): Promise<void> {
  const { model, diagnostics, sources } = compileFile(specPath);
  if (diagnostics.length > 0) process.stderr.write(formatDiagnostics(diagnostics, sources) + '\n');
  if (!model) throw new Error(`${specPath}: the spec has errors (see above)`);
  if (model.dims === 3) throw new Error(`${specPath}: ${model.name} is 3D; augment-preview draws 2D training samples only`);
  // --seed as in `unet train --seed`: the split and the augmentation follow it.
  const ir = { ...model, train: { ...model.train, seed: flags.seed ?? model.train.seed, augment: { ...model.train.augment, ...flags.augment } } };
  const weighted = ir.train.loss === 'weighted_ce' || ir.train.weightMap !== null;
  if (flags.weights && !weighted) {
    throw new Error(`--weights: ${specPath} trains with loss ${ir.train.loss} and no weight_map, so training uses no weight map`);
  }
  const samples = previewSamples(ir, await loadTrainingData(flags.data, ir), flags.count);
  const { image, maxWeight } = renderPreview(samples, flags.weights ?? false);
  await mkdir(dirname(flags.out), { recursive: true });
  await writeImagePng(flags.out, image);
  const { image: input, mask } = samples[0].prepared;
  const columns = flags.weights ? 'image | mask overlay | weight map' : 'image | mask overlay';
  process.stdout.write(
    `wrote ${flags.out} (${image.width}x${image.height}): ${samples.length} training sample(s) of ${input.height}x${input.width}` +
      `, mask ${mask.height}x${mask.width}, seed ${ir.train.seed}; per sample ${columns}` +
      (flags.weights ? `, weights up to ${maxWeight.toFixed(2)} (white)` : '') + '\n',
  );
}

export function register(program: Command): void {
  program
    .command('augment-preview')
    .description("a PNG grid of training samples exactly as the spec's train section prepares them (augmentation, crop, weight map)")
    .argument('<spec>', '.unet spec with a train section')
    .requiredOption('--data <data>', "training data, as for `unet train`")
    .requiredOption('--out <png>', 'the PNG to write')
    .option('--count <n>', 'number of samples', integerFlag(1), 8)
    .option('--seed <n>', "seed (overrides the spec's train seed, as `unet train --seed`)", integerFlag(0))
    .option('--augment <statements>', 'augmentation in the spec language, over the spec\'s, as `unet train --augment`', parseAugmentOption)
    .option('--weights', 'add the border weight map of each sample as a heat map')
    .action(async (spec: string, flags: PreviewFlags) => preview(spec, flags));
}
