// `unet export SPEC|RUN_DIR --onnx FILE`: the network as an ONNX file (opset 17), from a
// spec with seeded initial weights or from a training run with its trained weights,
// optionally proved equal to the tfjs model in onnxruntime (--verify).
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { checkFixedSize, exportOnnx, OPSET } from '../backends/onnx/export.ts';
import { verifyExport, type TfjsBuilder } from '../app/verify-onnx.ts';
import { weightsFromTfjs } from '../backends/tfjs/weights.ts';
import { selectEngine } from '../backends/tfjs/engines.ts';
import { loadModel } from '../backends/tfjs/io.ts';
import { lowerModel } from '../backends/tfjs/lower.ts';
import { readRunDir, runPaths } from '../app/train/run-dir.ts';
import { splitSpecName } from '../language/compile.ts';
import { compileFile } from '../node/compile-file.ts';
import { formatDiagnostics } from '../language/diagnostics.ts';
import type { Model } from '../language/ir/types.ts';
import { withInputSize } from '../language/shapes/infer.ts';
import { writeFileAtomic } from '../io/atomic.ts';

interface ExportFlags {
  onnx: string;
  foldBn?: boolean;
  opset: string;
  fixedSize?: string;
  verify?: boolean;
  seed?: string;
}

/** The IR, a tfjs model holding the weights to export, and how to rebuild it at other sizes. */
export interface ExportSource {
  model: Model;
  tfModel: tf.LayersModel;
  build: TfjsBuilder;
  /** Where the weights came from, for the summary line. */
  weightsFrom: string;
  /** The run's fitted input normalisation (dataset statistics), when there is one. */
  normalization?: unknown;
}

function parseInteger(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${what} must be a non-negative integer, found '${text}'`);
  return Number(text);
}

/** "256x256" or "32x64x64". */
export function parseSize(text: string): number[] {
  if (!/^\d+(x\d+){1,2}$/.test(text)) throw new Error(`--fixed-size must be HxW or DxHxW, found '${text}'`);
  return text.split('x').map(Number);
}

function fromSpec(path: string, seed: number | undefined): ExportSource {
  const { model, diagnostics, sources } = compileFile(path);
  if (!model) throw new Error(`${path} does not compile:\n${formatDiagnostics(diagnostics, sources)}`);
  const options = { seed: seed ?? model.train.seed };
  // Seeded per node id (src/backends/tfjs/init.ts): every size gets the same initial weights.
  const build: TfjsBuilder = (size) => lowerModel(withInputSize(model, size), options).model;
  return { model, tfModel: lowerModel(model, options).model, build, weightsFrom: `seeded initial weights (seed ${options.seed})` };
}

async function fromRunDir(dir: string): Promise<ExportSource> {
  const { ir, config } = await readRunDir(dir);
  // model/ holds the weights of the best validation epoch (src/app/train/run-dir.ts).
  const checkpoint = runPaths(dir).model;
  const tfModel = await loadModel(checkpoint);
  const build: TfjsBuilder = (size) => {
    const model = lowerModel(withInputSize(ir, size), { initialize: false }).model;
    model.setWeights(tfModel.getWeights());
    return model;
  };
  return { model: ir, tfModel, build, weightsFrom: `trained weights of ${checkpoint}`, normalization: config.normalizer };
}

/** A run directory (it has ir.json) or a spec / IR JSON file. */
export async function loadExportSource(path: string, seed: number | undefined): Promise<ExportSource> {
  const file = splitSpecName(path).path;
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  if (statSync(file).isDirectory()) {
    if (seed !== undefined) throw new Error('--seed applies to specs only: a run directory has trained weights');
    return fromRunDir(path);
  }
  return fromSpec(path, seed);
}

async function run(input: string, flags: ExportFlags): Promise<void> {
  const opset = parseInteger(flags.opset, '--opset');
  if (opset !== OPSET) throw new Error(`--opset ${opset} is not supported: the onnx backend writes opset ${OPSET}`);
  const fixedSize = flags.fixedSize === undefined ? undefined : parseSize(flags.fixedSize);
  const seed = flags.seed === undefined ? undefined : parseInteger(flags.seed, '--seed');
  // Weights are read with tfjs' cpu engine, the reference the export is verified against.
  await selectEngine('cpu');
  const source = await loadExportSource(input, seed);
  // Before reading 31M weights out of tfjs, not after.
  if (fixedSize) checkFixedSize(source.model, fixedSize);
  const weights = weightsFromTfjs(source.tfModel, source.model);
  const bytes = exportOnnx(source.model, weights, {
    foldBn: flags.foldBn ?? false,
    opset: OPSET,
    fixedSize,
    inputNormalization: source.normalization,
  });
  writeFileAtomic(flags.onnx, bytes);
  const size = `${(bytes.length / 1e6).toFixed(1)} MB`;
  process.stdout.write(`wrote ${flags.onnx} (${size}, opset ${OPSET}, ${source.model.totals.params} parameters, ${source.weightsFrom})\n`);
  if (!flags.verify) return;

  const report = await verifyExport(source.model, bytes, source.build, {
    seed: seed ?? 0,
    sizes: fixedSize ? [fixedSize] : undefined,
  });
  for (const c of report.comparisons) {
    process.stdout.write(
      `verify ${c.size.join('x')} -> ${c.outputDims.join('x')}: max abs diff ${c.maxAbsDiff.toExponential(2)}, ` +
        `relative to the output range ${c.maxRelDiff.toExponential(2)}\n`,
    );
  }
  if (!report.ok) {
    throw new Error(`verification failed: tfjs and onnxruntime differ by ${report.maxRelDiff.toExponential(2)} of the output range (limit ${report.tolerance})`);
  }
  process.stdout.write(`verified: onnxruntime matches tfjs within ${report.tolerance} of the output range\n`);
}

export function register(program: Command): void {
  program
    .command('export')
    .description('export a spec (seeded initial weights) or a training run (trained weights) as ONNX')
    .argument('<spec|run-dir>', 'a .unet spec, an IR .json file, or a run directory of `unet train`')
    .requiredOption('--onnx <file>', 'the ONNX file to write')
    .option('--fold-bn', 'fold batch norms into the convolutions before them')
    .option('--opset <n>', 'ONNX opset (only 17: the newest Debian python3-onnx checks)', String(OPSET))
    .option('--fixed-size <HxW>', 'fix the spatial input size (default: symbolic N, H, W)')
    .option('--verify', 'run tfjs and onnxruntime on the same random inputs at two legal sizes and compare')
    .option('--seed <n>', 'seed of the initial weights when exporting a spec (default: the spec\'s train seed)')
    .action((input: string, flags: ExportFlags) => run(input, flags));
}
