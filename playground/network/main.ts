// The network page: open a trained run (or train the ellipses spec here), segment an image
// with the CLI's normalisation, overlap-tile inference and TTA (src/data/segment.ts), and
// see the mask and the overlay. Everything runs in the browser (docs/playground.md).
import { fetchRunFiles } from './samples.ts';
import { exportOnnx } from '../../src/backends/onnx/export.ts';
import { weightsFromTfjs } from '../../src/backends/tfjs/weights.ts';
import * as tf from '@tensorflow/tfjs';
import ellipsesSpec from '../../specs/ellipses.unet';
import type { EpochRecord, StepInfo } from '../../src/backends/tfjs/train/loop.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { overlay, segmentImage, toMask } from '../../src/data/segment.ts';
import type { TtaMode } from '../../src/data/tta.ts';
import type { Image2D } from '../../src/data/types.ts';
import { compileSource } from '../../src/language/compile.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import { editorSpec } from '../spec-store.ts';
import { chartSvg, type ChartData } from './chart.ts';
import { pickEngine } from './engine.ts';
import { openOnnxFile } from './onnx.ts';
import { openRunFiles, type OpenedModel } from './open-run.ts';
import { decodeImage, drawImage, drawMask } from './picture.ts';
import { PageTrainer } from './train.ts';
import { TrainingData } from './train-data.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const button = (id: string) => $<HTMLButtonElement>(id);

/** What the page last computed, for the console and the browser tests. */
const state = {
  engine: '',
  model: null as OpenedModel | null,
  image: null as { image: Image2D; name: string } | null,
  result: null as { mask: Uint8Array; probabilities: Float32Array } | null,
  chart: { losses: [], dice: [] } as ChartData,
  epochs: [] as EpochRecord[],
};
(window as unknown as { unetPlayground: typeof state }).unetPlayground = state;

function say(id: string, text: string, error = false): void {
  $(id).textContent = text;
  $(id).classList.toggle('error', error);
}

const failed = (id: string) => (error: unknown) => say(id, error instanceof Error ? error.message : String(error), true);

function useModel(model: OpenedModel): void {
  state.model = model;
  const { ir, window } = model;
  say('model-status', `${model.description}: ${ir.input.channels} x ${window.join(' x ')} window, ${Math.max(ir.classes, 2)} classes, ${ir.padding} padding, on ${model.engine ?? state.engine}`);
  button('segment').disabled = state.image === null;
}

function useImage(image: Image2D, name: string): void {
  state.image = { image, name };
  drawImage($('image'), image);
  say('image-status', `${name}: ${image.width} x ${image.height}, ${image.channels} channel(s)`);
  button('segment').disabled = state.model === null;
}

async function segment(): Promise<void> {
  const { model, image } = state;
  if (!model || !image) return;
  if (image.image.channels !== model.ir.input.channels) {
    throw new Error(`${image.name}: image has ${image.image.channels} channel(s), the network takes ${model.ir.input.channels}`);
  }
  say('image-status', 'segmenting...');
  const started = performance.now();
  const tta = $<HTMLSelectElement>('tta').value as TtaMode;
  const probabilities = await segmentImage(image.image, model.ir, model.normalizer, model.window, model.predictor, { tta });
  const mask = toMask(probabilities);
  drawMask($('mask'), mask, Math.max(model.ir.classes, 2));
  drawImage($('overlay'), overlay(image.image, mask));
  state.result = { mask: mask.data, probabilities: probabilities.data };
  say('image-status', `${image.name}: segmented in ${((performance.now() - started) / 1000).toFixed(2)} s (tta ${tta})`);
}

async function openFiles(files: File[]): Promise<void> {
  say('model-status', 'opening...');
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  useModel(await (onnx ? openOnnxFile(onnx, new URLSearchParams(location.search).get('onnx')) : openRunFiles(files)));
}

// Training --------------------------------------------------------------------------------

let trainer: PageTrainer | null = null;
/** The spec file the trainer was built from, for the downloaded config.json. */
let trainedFile = '';
/** What it was trained on, for config.json's `data`. */
let trainedData = '';
const trainingData = new TrainingData(useImage);

function onStep(info: StepInfo): void {
  state.chart.losses.push(info.loss);
  $('chart').innerHTML = chartSvg(state.chart);
  say('train-status', `epoch ${info.epoch + 1}, step ${info.step}/${info.steps}, loss ${info.loss.toFixed(4)}, ${info.imagesPerSecond.toFixed(1)} images/s`);
}

function onEpoch(record: EpochRecord): void {
  state.epochs.push(record);
  // The page trains by epochs, so every epoch is validated; a null (budgeted runs) draws no point.
  if (record.valDice !== null) state.chart.dice.push({ step: state.chart.losses.length, dice: record.valDice });
  $('chart').innerHTML = chartSvg(state.chart);
  say('train-status', `epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, validation Dice ${record.valDice === null ? '-' : record.valDice.toFixed(4)}`);
}

function trainingButtons(running: boolean, finished = false): void {
  button('train').disabled = running;
  button('stop').disabled = !running;
  button('continue').disabled = running || trainer === null || finished;
  button('download').disabled = running || trainer === null;
}

async function runTrainer(): Promise<void> {
  trainingButtons(true);
  const end = await trainer!.run();
  trainingButtons(false, end === 'done');
  if (end === 'stopped') say('train-status', `${$('train-status').textContent} (stopped: continue goes on from here)`);
  useModel(trainer!.opened());
}

/** The spec to train: the bundled ellipses spec, or the one last in the editor page. */
function specToTrain(): { text: string; file: string } {
  if ($<HTMLSelectElement>('spec').value === 'ellipses') return { text: ellipsesSpec, file: 'ellipses.unet' };
  const text = editorSpec();
  if (text === null) throw new Error('no spec from the editor yet: open the spec editor (link above) in this browser first');
  return { text, file: 'playground.unet' };
}

async function train(): Promise<void> {
  const { text, file } = specToTrain();
  const compiled = compileSource(text, file);
  trainedFile = file;
  if (!compiled.model) throw new Error(formatDiagnostics(compiled.diagnostics, compiled.sources));
  state.chart = { losses: [], dice: [] };
  state.epochs = [];
  const data = trainingData.samples(compiled.model);
  trainedData = data.name;
  trainer = new PageTrainer(compiled.model, data, { onStep, onEpoch });
  say('train-status', `training ${compiled.model.name} on ${state.engine}...`);
  await runTrainer();
}

/**
 * The run's files a user can open here again: model.json and weights (tfjs' downloads://),
 * ir.json, config.json; and model.onnx, written by the exporter of `unet export` with the
 * run's normalisation in its metadata (`unet predict model.onnx`, onnxruntime, this page).
 */
async function download(): Promise<void> {
  const t = trainer!;
  await t.model.save('downloads://model');
  const config = { spec: trainedFile, data: trainedData, engine: state.engine, inputSize: t.ir.input.size, normalizer: t.normalizer, train: t.ir.train };
  const onnx = exportOnnx(t.ir, weightsFromTfjs(t.model, t.ir), { inputNormalization: t.normalizer });
  const files: [string, Blob][] = [
    ['ir.json', new Blob([JSON.stringify(t.ir, null, 2) + '\n'], { type: 'application/json' })],
    ['config.json', new Blob([JSON.stringify(config, null, 2) + '\n'], { type: 'application/json' })],
    ['model.onnx', new Blob([new Uint8Array(onnx)], { type: 'application/octet-stream' })],
  ];
  for (const [name, blob] of files) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  }
}

// Wiring ----------------------------------------------------------------------------------

const filesOf = (list: FileList | null | undefined) => [...(list ?? [])];
$<HTMLInputElement>('run-files').onchange = (e) => void openFiles(filesOf((e.target as HTMLInputElement).files)).catch(failed('model-status'));
const drop = $('drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  void openFiles(filesOf(e.dataTransfer?.files)).catch(failed('model-status'));
};
$<HTMLInputElement>('image-file').onchange = (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void decodeImage(file).then((image) => useImage(image, file.name)).catch(failed('image-status'));
};
let samples = 0;
button('sample').onclick = () => {
  // A fresh generated image each click, of the size of the training data (src/data/ellipses.ts).
  const [sample] = makeEllipses({ count: 1, size: 64, seed: 1000 + samples++ });
  useImage(sample!.image, `ellipses sample ${samples}`);
};
button('segment').onclick = () => void segment().catch(failed('image-status'));
button('train').onclick = () => void train().catch((e) => {
  trainingButtons(false);
  failed('train-status')(e);
});
button('stop').onclick = () => trainer?.stop();
button('continue').onclick = () => void trainer!.resume().then(runTrainer).catch(failed('train-status'));
button('download').onclick = () => void download().catch(failed('train-status'));

try {
  const engine = await pickEngine(new URLSearchParams(location.search).get('engine'));
  state.engine = engine.name;
  say('engine', `engine: ${engine.detail} (tfjs ${tf.version.tfjs})`);
} catch (error) {
  failed('engine')(error);
}
const manifest = await trainingData.init().catch(failed('em-note'));
// The site's bundled sample model (`unet serve --out DIR --sample-run RUN`), opened as a run.
const sampleRun = manifest?.run ?? null;
if (sampleRun) {
  button('sample-model').disabled = false;
  button('sample-model').textContent = `sample model: ${sampleRun.name}`;
  button('sample-model').onclick = () => void fetchRunFiles(sampleRun).then(openFiles).catch(failed('model-status'));
}
document.body.dataset['ready'] = 'true';
