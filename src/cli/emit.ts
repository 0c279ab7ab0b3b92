// `unet emit torch SPEC|RUN_DIR --out DIR`: a PyTorch package (model.py, train.py,
// README.md) generated from the IR; with the run's trained weights for a run directory, or
// with the tfjs backend's seeded initial weights when asked (--seeded-weights).
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { emitTorch } from '../backends/torch/emit.ts';
import type { Normalizer } from '../data/normalize.ts';
import { weightsFromTfjs } from '../backends/tfjs/weights.ts';
import { selectEngine } from '../backends/tfjs/engines.ts';
import { loadExportSource } from './export.ts';
import { loadModel } from './spec-input.ts';
import { assertOutDir } from '../io/out-dir.ts';

const TARGETS = ['torch'];

interface EmitFlags {
  out: string;
  seededWeights?: boolean;
  seed?: string;
}

async function run(target: string, input: string, flags: EmitFlags): Promise<void> {
  if (!TARGETS.includes(target)) throw new Error(`unknown target '${target}': expected one of ${TARGETS.join(', ')}`);
  // Refused before anything loads (emitTorch checks again when it writes).
  assertOutDir(flags.out, 'torch-package');
  const isRunDir = statSync(input, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (isRunDir || flags.seededWeights) {
    if (flags.seed !== undefined && !/^\d+$/.test(flags.seed)) throw new Error(`--seed must be a non-negative integer, found '${flags.seed}'`);
    // Weights are read with tfjs' cpu engine, as `unet export` does.
    await selectEngine('cpu');
    const source = await loadExportSource(input, flags.seed === undefined ? undefined : Number(flags.seed));
    const weights = weightsFromTfjs(source.tfModel, source.model);
    // A run's fitted normalisation (config.json) travels along, so train.py does not refit it.
    const normalizer = source.normalization as Normalizer | undefined;
    const files = emitTorch(source.model, flags.out, { origin: input, weights, normalizer });
    process.stdout.write(`wrote ${flags.out}: ${files.join(', ')} (${source.model.totals.params} parameters, ${source.weightsFrom})\n`);
    return;
  }
  const { model } = loadModel(input);
  if (!model) return;
  const files = emitTorch(model, flags.out, { origin: input });
  process.stdout.write(`wrote ${flags.out}: ${files.join(', ')} (${model.totals.params} parameters, no weights)\n`);
}

export function register(program: Command): void {
  program
    .command('emit')
    .description('generate a PyTorch package (model.py, train.py for one or several GPUs, README.md)')
    .argument('<target>', `what to generate: ${TARGETS.join(', ')}`)
    .argument('<spec|run-dir>', 'a .unet spec, an IR .json file, or a run directory of `unet train` (its trained weights)')
    .requiredOption('--out <dir>', 'the package folder: new, empty, or an earlier `unet emit torch` package (only its files are replaced)')
    .option('--seeded-weights', "ship the tfjs backend's seeded initial weights (weights.json + weights.bin)")
    .option('--seed <n>', "seed of those weights (default: the spec's train seed)")
    .addHelpText('after', '\nExamples:\n  unet emit torch specs/milesial.unet --out milesial-torch\n  unet emit torch runs/ellipses --out ellipses-torch')
    .action((target: string, input: string, flags: EmitFlags) => run(target, input, flags));
}
