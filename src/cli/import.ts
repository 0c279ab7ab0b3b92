// `unet import SPEC --onnx FILE --out RUN_DIR`: weights from a foreign ONNX file (e.g. a
// PyTorch U-Net exported with torch.onnx.export) for the spec's network, matched by graph
// position, saved as a complete run directory (marker, spec, IR, config.json, a checkpoint,
// model/) that predict, eval, export and `unet train --init` read like a trained one.
import type { Command } from 'commander';
import { weightsFromOnnx } from '../backends/onnx/import.ts';
import { readOnnxFile } from '../backends/onnx/read.ts';
import { verifyExport } from '../app/verify-onnx.ts';
import { setTfjsWeights } from '../backends/tfjs/weights.ts';
import { selectEngine } from '../backends/tfjs/engines.ts';
import { saveModel } from '../backends/tfjs/io.ts';
import { lowerModel } from '../backends/tfjs/lower.ts';
import { saveCheckpoint } from '../backends/tfjs/train/checkpoint.ts';
import { initialState } from '../backends/tfjs/train/loop.ts';
import { createRunDir, holdsRun, openRunDir, runPaths, type RunConfig } from '../app/train/run-dir.ts';
import { assertOutDir } from '../io/out-dir.ts';
import { compileFile } from '../node/compile-file.ts';
import { formatDiagnostics } from '../language/diagnostics.ts';
import type { Model } from '../language/ir/types.ts';
import { withInputSize } from '../language/shapes/infer.ts';
import { parseSize } from './export.ts';

interface ImportFlags {
  onnx: string;
  out: string;
  inputSize?: string;
  verify?: boolean;
}

/** The size the tfjs model is built for: --input-size, else the spec's own input size. */
function buildSize(model: Model, flag: string | undefined): number[] {
  if (flag !== undefined) return parseSize(flag);
  const size = model.input.size;
  if (size.some((s) => s === null)) {
    throw new Error(`${model.name} has an open input size: give the size to build the model for with --input-size HxW`);
  }
  return size as number[];
}

/** Runs f; its error, if any, is prefixed with the file it is about. */
function namingFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

async function run(specPath: string, flags: ImportFlags): Promise<void> {
  const { model, diagnostics, sources } = compileFile(specPath);
  if (!model) throw new Error(`${specPath} does not compile:\n${formatDiagnostics(diagnostics, sources)}`);
  if (model.train.normalize === 'dataset') {
    throw new Error(`${specPath} normalises inputs with training-set statistics, which an ONNX file does not carry: use \`normalize unit\` or \`image\``);
  }
  // Import writes only into a new or empty folder: a run's folder (even an imported one) is
  // not replaced by other weights under the same name.
  assertOutDir(flags.out, 'run');
  if (holdsRun(flags.out)) throw new Error(`--out ${flags.out}: already holds a run; give a new or empty folder`);
  const { bytes, model: onnxModel } = await readOnnxFile(flags.onnx);
  const weights = namingFile(flags.onnx, () => weightsFromOnnx(model, onnxModel));

  await selectEngine('cpu');
  const size = buildSize(model, flags.inputSize);
  const ir = withInputSize(model, size);
  const build = (s: number[]) => {
    const tfModel = lowerModel(withInputSize(model, s), { initialize: false }).model;
    setTfjsWeights(tfModel, model, weights);
    return tfModel;
  };
  const config: RunConfig = {
    spec: specPath,
    data: `onnx:${flags.onnx}`,
    engine: 'cpu',
    inputSize: size,
    normalizer: { mode: model.train.normalize },
    train: model.train,
  };
  const tfModel = build(size);
  const release = openRunDir(flags.out, 'import', { replace: false, onStale: (message) => process.stderr.write(`${message}\n`) });
  try {
    createRunDir(flags.out, ir, config);
    // The imported weights as the run's last and best checkpoint, which predict and --init read.
    await saveCheckpoint(flags.out, tfModel, initialState(tfModel, model.train), ['last', 'best']);
    await saveModel(tfModel, runPaths(flags.out).model);
  } finally {
    release();
  }
  process.stdout.write(`imported ${weights.size} parametrised layers of ${flags.onnx} into ${flags.out} (${model.totals.params} parameters)\n`);
  if (!flags.verify) return;

  // The foreign file itself in onnxruntime against the imported tfjs model.
  const report = await verifyExport(model, bytes, build, { sizes: [size] });
  const [c] = report.comparisons;
  process.stdout.write(`verify ${c.size.join('x')}: max abs diff ${c.maxAbsDiff.toExponential(2)}, relative ${c.maxRelDiff.toExponential(2)}\n`);
  if (!report.ok) throw new Error(`verification failed: the imported model differs from ${flags.onnx} by ${report.maxRelDiff.toExponential(2)} of the output range`);
}

export function register(program: Command): void {
  program
    .command('import')
    .description('load the weights of an ONNX file whose graph matches the spec (e.g. from torch.onnx.export) into a run directory')
    .argument('<spec>', 'the .unet spec with the same architecture')
    .requiredOption('--onnx <file>', 'the ONNX file to read weights from')
    .requiredOption('--out <run-dir>', 'the run directory to create')
    .option('--input-size <HxW>', "the input size to build the model for (default: the spec's)")
    .option('--verify', 'compare the imported model with the ONNX file in onnxruntime on a random input')
    .action((spec: string, flags: ImportFlags) => run(spec, flags));
}
