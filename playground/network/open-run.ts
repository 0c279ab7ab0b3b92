// A run of `unet train` opened from files the user picks or drops: model/model.json and its
// weights (the tfjs layers format, src/backends/tfjs/io.ts), ir.json (the network) and
// config.json (the normaliser and the training window). The model runs through the same
// Predictor as `unet predict` (src/backends/tfjs/predictor.ts).
import * as tf from '@tensorflow/tfjs';
import type { Normalizer } from '../../src/data/normalize.ts';
import type { Predictor } from '../../src/data/segment.ts';
import { registerLayers } from '../../src/backends/tfjs/layers/index.ts';
import { modelPredictor } from '../../src/backends/tfjs/predictor.ts';
import type { Model } from '../../src/language/ir/types.ts';
import { validateModel } from '../../src/language/ir/validate.ts';

/** A network ready to segment: what segmentImage needs, and a name for the status line. */
export interface OpenedModel {
  ir: Model;
  normalizer: Normalizer;
  /** The training window (config.json inputSize): the tile size of overlap-tile inference. */
  window: number[];
  predictor: Predictor;
  description: string;
  /** What runs it, when not the page's tfjs engine (onnxruntime-web for an .onnx file). */
  engine?: string;
}

const NEEDED = 'a run\'s model/model.json, its weights (.bin), ir.json and config.json';

async function readJson(file: File, what: string): Promise<unknown> {
  try {
    return JSON.parse(await file.text());
  } catch (error) {
    throw new Error(`${file.name}: ${what} is not valid JSON (${(error as Error).message})`);
  }
}

/** The fields of config.json that prediction uses, checked. */
function asPredictConfig(value: unknown, name: string): { normalizer: Normalizer; inputSize: number[] } {
  const c = value as { normalizer?: Normalizer; inputSize?: number[] } | null;
  if (typeof c?.normalizer?.mode !== 'string' || !Array.isArray(c.inputSize) || !c.inputSize.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`${name}: not a run's config.json (it needs \`normalizer\` and \`inputSize\`)`);
  }
  return { normalizer: c.normalizer, inputSize: c.inputSize };
}

/** Opens the run among `files` (other files are ignored); errors say which file is missing or wrong. */
export async function openRunFiles(files: readonly File[]): Promise<OpenedModel> {
  const named = (name: string) => files.find((f) => f.name === name);
  const [modelJson, irJson, configJson] = ['model.json', 'ir.json', 'config.json'].map(named);
  const weights = files.filter((f) => f.name.endsWith('.bin'));
  const missing = [!modelJson && 'model.json', weights.length === 0 && 'the weights (.bin)', !irJson && 'ir.json', !configJson && 'config.json'].filter(Boolean);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: choose ${NEEDED}`);
  let ir: Model;
  try {
    ir = validateModel(await readJson(irJson!, "a run's IR"));
  } catch (error) {
    throw new Error(`ir.json: ${(error as Error).message}`);
  }
  if (ir.dims !== 2) throw new Error(`ir.json: ${ir.name} is a ${ir.dims}D network; the page segments 2D images only`);
  const config = asPredictConfig(await readJson(configJson!, "a run's configuration"), 'config.json');
  registerLayers(); // the project's custom layers, which model.json names
  const trained = await tf.loadLayersModel(tf.io.browserFiles([modelJson!, ...weights]));
  return { ir, normalizer: config.normalizer, window: config.inputSize, predictor: modelPredictor(trained, ir), description: `${ir.name} (opened run)` };
}
