// `unet eval` without the command line: segment every sample exactly as `unet predict` does
// (src/data/segment.ts: whole image or overlap-tile), then score it. Volumes of a
// 3D network are scored per volume (score-volume.ts).
import { segmentImage, toMask, type Probabilities } from '../../data/segment.ts';
import { splitDataset } from '../../data/split.ts';
import type { TtaMode } from '../../data/tta.ts';
import type { Mask2D, Sample, VolumeMask, VolumeSample } from '../../data/types.ts';
import type { Model } from '../../language/ir/types.ts';
import type { EvalModel } from './model-source.ts';
import { scoreImage, summarize, type ImageScores, type SummaryScores } from './score.ts';
import { scoreVolume } from './score-volume.ts';

export type SplitChoice = 'all' | 'val' | 'train';

export interface EvalReport {
  model: string;
  engine: string;
  data: string;
  split: SplitChoice;
  classNames: string[];
  boundaryClass: number;
  window: number[];
  tta: TtaMode;
  images: ImageScores[];
  summary: SummaryScores;
}

/** The boundary (membrane) class for the Rand error: a class so named, else class 1. */
export function boundaryClassOf(ir: Model): number {
  const named = ir.classNames.findIndex((n) => /membrane|boundary|border|edge|contour/i.test(n));
  return named >= 0 ? named : 1;
}

/** The samples of a split, drawn as training drew them (src/data/split.ts with the run's seed). */
export function selectSplit<T>(samples: T[], split: SplitChoice, valSplit: number, seed: number): T[] {
  if (split === 'all') return samples;
  const parts = splitDataset(samples, valSplit, seed);
  return split === 'val' ? parts.val : parts.train;
}

/** 1 - the boundary class's probability: the map the ISBI 2012 challenge took (1 = surely not membrane). */
function cellProbability(p: Probabilities, boundaryClass: number): Float32Array {
  const cells = new Float32Array(p.height * p.width);
  for (let i = 0; i < cells.length; i++) {
    // A sigmoid head's one channel is class 1.
    const boundary = p.channels === 1 ? (boundaryClass === 1 ? p.data[i] : 1 - p.data[i]) : p.data[i * p.channels + boundaryClass];
    cells[i] = 1 - boundary;
  }
  return cells;
}

export interface EvalOptions {
  data: string;
  split: SplitChoice;
  boundaryClass: number;
  /** Test-time augmentation (src/data/tta.ts); default none. */
  tta?: TtaMode;
  /** Called with each image's scores and its predicted mask as soon as it is done. */
  onImage?: (row: ImageScores, pred: Mask2D | VolumeMask) => void | Promise<void>;
}

/** Segments and scores one volume; no probability-map warping sweep (a 2D challenge figure). */
async function evaluateVolume(model: EvalModel, sample: VolumeSample, classes: number, boundaryClass: number, tta: TtaMode): Promise<{ row: ImageScores; pred: VolumeMask }> {
  const start = performance.now();
  const pred = toMask(await segmentImage(sample.image, model.ir, model.normalizer, model.window, model.predictor, { tta }));
  return { row: scoreVolume(sample.name, pred, sample.mask, classes, boundaryClass, (performance.now() - start) / 1000), pred };
}

export async function evaluateSamples(model: EvalModel, samples: Sample[] | VolumeSample[], options: EvalOptions): Promise<EvalReport> {
  const { ir } = model;
  const classes = Math.max(ir.classes, 2);
  const tta = options.tta ?? 'none';
  const rows: ImageScores[] = [];
  for (const sample of samples) {
    if (sample.image.channels !== ir.input.channels) {
      throw new Error(`${sample.name}: image has ${sample.image.channels} channels, the network takes ${ir.input.channels}`);
    }
    if ('depth' in sample.image) {
      const { row, pred } = await evaluateVolume(model, sample as VolumeSample, classes, options.boundaryClass, tta);
      rows.push(row);
      await options.onImage?.(row, pred);
      continue;
    }
    const start = performance.now();
    const probabilities = await segmentImage(sample.image, ir, model.normalizer, model.window, model.predictor, { tta });
    const pred = toMask(probabilities);
    const cells = cellProbability(probabilities, options.boundaryClass);
    const row = scoreImage(sample.name, pred, (sample as Sample).mask, classes, options.boundaryClass, (performance.now() - start) / 1000, cells);
    rows.push(row);
    await options.onImage?.(row, pred);
  }
  return {
    model: model.description,
    engine: model.engine,
    data: options.data,
    split: options.split,
    classNames: Array.from({ length: classes }, (_, k) => ir.classNames[k] ?? `class ${k}`),
    boundaryClass: options.boundaryClass,
    window: model.window,
    tta,
    images: rows,
    summary: summarize(rows),
  };
}
