// What the network is trained on, as pictures: training samples prepared by the training
// pipeline itself (src/app/train/prepare.ts: augmentation, crop, normalisation, weight
// map), with the random stream of the training loop (seed, epoch, sample index), laid out in
// a grid: image | mask overlay | weight map (optional) per sample.
import { makePreparers } from '../../backends/tfjs/train/prepare.ts';
import type { Prepared } from '../../backends/tfjs/train/batches.ts';
import { overlay } from '../../data/segment.ts';
import { cropImage } from '../../data/crop.ts';
import { fitNormalizer } from '../../data/normalize.ts';
import { Random } from '../../data/random.ts';
import { splitDataset } from '../../data/split.ts';
import type { Image2D, Sample } from '../../data/types.ts';
import type { Model } from '../../language/ir/types.ts';
import { withInputSize } from '../../language/shapes/infer.ts';

/** Pixels between cells of the grid. */
export const GRID_GAP = 4;

export interface PreviewOptions {
  count: number;
  withWeights: boolean;
}

/** A prepared training sample with where it came from. */
export interface PreviewSample {
  name: string;
  epoch: number;
  prepared: Prepared;
}

/**
 * The first `count` training samples in the order training prepares them: sample i of the
 * training split in epoch e gets the training loop's stream `augment/e/i` (loop.ts), so the
 * preview shows exactly what the network sees (N beyond the split's size go to later epochs).
 */
export function previewSamples(ir: Model, samples: Sample[], count: number): PreviewSample[] {
  const { train } = ir;
  const split = splitDataset(samples, train.valSplit, train.seed);
  if (split.train.length === 0) throw new Error(`${samples.length} samples leave none for training (val split ${train.valSplit})`);
  const first = split.train[0].image;
  const size = train.crop ?? [first.height, first.width];
  const odd = split.train.find((s) => s.image.height !== first.height || s.image.width !== first.width);
  if (train.crop === null && odd) throw new Error(`images differ in size (${split.train[0].name}, ${odd.name}): set a training crop in the spec`);
  const normalizer = fitNormalizer(train.normalize, split.train.map((s) => s.image));
  const preparers = makePreparers(withInputSize(ir, size), normalizer);
  const root = new Random(train.seed);
  return Array.from({ length: count }, (_, n) => {
    const epoch = Math.floor(n / split.train.length);
    const i = n % split.train.length;
    const sample = split.train[i];
    return { name: sample.name, epoch, prepared: preparers.train(sample, root.fork(`augment/${epoch}/${i}`)) };
  });
}

/** Width and height of the grid for n samples of cells h x w, `cells` per sample. */
export function gridSize(n: number, cells: number, h: number, w: number): { width: number; height: number; columns: number } {
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const across = columns * cells;
  return { width: across * w + (across - 1) * GRID_GAP, height: rows * h + (rows - 1) * GRID_GAP, columns };
}

/** A normalised network input scaled back to [0, 1] for display (min-max over the sample). */
function displayImage(image: Image2D): Image2D {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of image.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi > lo ? 1 / (hi - lo) : 0;
  return { ...image, data: image.data.map((v) => (v - lo) * scale) };
}

// A dark-to-bright heat ramp (black, purple, orange, pale yellow).
const HEAT: [number, number, number][] = [[0, 0, 0.05], [0.55, 0.1, 0.5], [1, 0.5, 0.1], [1, 1, 0.75]];

function heat(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (HEAT.length - 1);
  const i = Math.min(Math.floor(x), HEAT.length - 2);
  const f = x - i;
  return [0, 1, 2].map((c) => HEAT[i][c] * (1 - f) + HEAT[i + 1][c] * f) as [number, number, number];
}

/** Copies an RGB image into the canvas at (top, left). */
function paste(canvas: Image2D, image: Image2D, top: number, left: number): void {
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = image.data[(y * image.width + x) * image.channels + (image.channels === 3 ? c : 0)];
        canvas.data[((top + y) * canvas.width + left + x) * 3 + c] = v;
      }
    }
  }
}

/**
 * The grid: per sample the network input, the input dimmed with the mask overlaid on the
 * window the network predicts (smaller than the input for valid padding), and optionally the
 * weight map as a heat map on that window (scaled to the largest weight in the grid).
 */
export function renderPreview(samples: PreviewSample[], withWeights: boolean): { image: Image2D; maxWeight: number } {
  const { image: first, mask: firstMask } = samples[0].prepared;
  const [h, w] = [first.height, first.width];
  const cells = withWeights ? 3 : 2;
  const { width, height, columns } = gridSize(samples.length, cells, h, w);
  const canvas: Image2D = { height, width, channels: 3, data: new Float32Array(height * width * 3).fill(1) };
  const top = (h - firstMask.height) / 2;
  const left = (w - firstMask.width) / 2;
  let maxWeight = 0;
  for (const s of samples) for (const v of s.prepared.weights ?? []) maxWeight = Math.max(maxWeight, v);
  samples.forEach((s, n) => {
    const y0 = Math.floor(n / columns) * (h + GRID_GAP);
    const x0 = (n % columns) * cells * (w + GRID_GAP);
    const image = displayImage(s.prepared.image);
    paste(canvas, image, y0, x0);
    const dimmed = { ...image, data: image.data.map((v) => v * 0.4) };
    paste(canvas, dimmed, y0, x0 + w + GRID_GAP);
    const centre = cropImage(image, top, left, s.prepared.mask.height, s.prepared.mask.width);
    paste(canvas, overlay(centre, s.prepared.mask), y0 + top, x0 + w + GRID_GAP + left);
    if (!withWeights) return;
    const weights = s.prepared.weights!;
    const hm: Image2D = { height: s.prepared.mask.height, width: s.prepared.mask.width, channels: 3, data: new Float32Array(weights.length * 3) };
    weights.forEach((v, i) => hm.data.set(heat(maxWeight > 0 ? v / maxWeight : 0), i * 3));
    paste(canvas, { height: h, width: w, channels: 1, data: new Float32Array(h * w) }, y0, x0 + 2 * (w + GRID_GAP));
    paste(canvas, hm, y0 + top, x0 + 2 * (w + GRID_GAP) + left);
  });
  return { image: canvas, maxWeight };
}
