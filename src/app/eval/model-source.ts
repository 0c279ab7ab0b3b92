// What `unet eval` scores: a training run (its best checkpoint in tfjs) or an exported ONNX
// file (onnxruntime), brought to one shape: IR, normaliser, tiling window and Predictor.
import { existsSync, statSync } from 'node:fs';
import { selectEngine, type EngineRequest } from '../../backends/tfjs/engines.ts';
import type { Predictor } from '../../data/segment.ts';
import { predictionCheckpoint, tfjsPredictor } from '../train/predictor.ts';
import { readRunDir, runPaths } from '../train/run-dir.ts';
import type { CheckpointName } from '../../io/checkpoints.ts';
import { compileSource } from '../../language/compile.ts';
import { readTextFile } from '../../io/read-file.ts';
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';
import { openOnnxModel } from './onnx-predictor.ts';

export interface EvalModel {
  ir: Model;
  normalizer: Normalizer;
  /** The network input window used for tiling (a legal size). */
  window: number[];
  predictor: Predictor;
  /** What ran: the checkpoint and engine, for the report. */
  description: string;
  engine: string;
  /** The data the run was trained on (null for an ONNX file). */
  trainedOn: string | null;
  /**
   * The IR to load data with: the spec as compiled before training fixed the input size, so
   * builtin:ellipses gets the image size training drew (not the crop's).
   */
  dataIr: Model;
}

/**
 * Opens what `unet eval`/`predict` scores. `checkpoint` picks a run's best (default) or last
 * checkpoint; an .onnx file holds one set of weights, so asking for `last` there is refused.
 */
export async function openEvalModel(path: string, engine: EngineRequest, checkpointName: CheckpointName = 'best'): Promise<EvalModel> {
  if (!existsSync(path)) throw new Error(`${path} does not exist (expected a run directory of \`unet train\` or an .onnx file)`);
  if (statSync(path).isDirectory()) {
    const run = await readRunDir(path);
    // config.json holds the train section as trained (flags merged), e.g. the split to reproduce.
    const ir = { ...run.ir, train: run.config.train };
    const config = run.config;
    const checkpoint = predictionCheckpoint(path, checkpointName);
    const selected = await selectEngine(engine);
    const predictor = await tfjsPredictor(ir, checkpoint);
    // Compiled under its original name, so its imports resolve where they did in training.
    const spec = compileSource(await readTextFile(runPaths(path).spec, "a run's spec"), config.spec).model;
    return {
      dataIr: spec ? { ...spec, train: ir.train } : ir,
      ir,
      normalizer: config.normalizer,
      window: config.inputSize,
      predictor,
      description: checkpoint,
      engine: selected.label,
      trainedOn: config.data,
    };
  }
  if (!path.toLowerCase().endsWith('.onnx')) throw new Error(`${path}: expected a run directory of \`unet train\` or an .onnx file`);
  if (engine !== 'auto') throw new Error(`--engine ${engine} selects a TensorFlow.js engine; an .onnx file runs in onnxruntime`);
  if (checkpointName !== 'best') throw new Error(`--checkpoint ${checkpointName} picks a run directory's checkpoint; ${path} holds one set of weights (export the run's last checkpoint instead)`);
  const { ir, specIr, normalizer, window, predictor } = await openOnnxModel(path);
  const dataIr = specIr ? { ...specIr, train: ir.train } : ir;
  return { ir, normalizer, window, predictor, description: path, engine: 'onnxruntime', trainedOn: null, dataIr };
}
