// The data's fingerprint for `unet plan` (as nnU-Net's dataset fingerprint, experiment_planning
// in MIC-DKFZ/nnUNet): image sizes and channels, intensity statistics, class balance, object
// sizes, the thickness of the class between objects and how close objects come. rules.ts turns
// it into choices; nothing here decides anything.
import type { Sample } from '../../data/types.ts';
import { componentCounts, measureObjects } from './objects.ts';

/** Objects are measured on at most this many images, evenly spread (a plan should take seconds). */
export const MAX_MEASURED_IMAGES = 48;

/** Quantiles of a list of numbers (Infinity allowed); NaN for an empty list. */
export interface Spread {
  p10: number;
  median: number;
  p90: number;
}

export interface Fingerprint {
  images: number;
  channels: number;
  /** Smallest, median and largest image height and width. */
  height: { min: number; median: number; max: number };
  width: { min: number; median: number; max: number };
  intensity: { mean: number; std: number; p01: number; p99: number; imageMeanStd: number };
  classes: number;
  /** Raw mask value of each class (folder data), null when the masks hold class indices. */
  classValues: number[] | null;
  /** Share of pixels of each class. */
  classFractions: number[];
  /** The class whose connected components are the objects (the most components per image). */
  objectClass: number;
  objects: {
    perImage: number;
    /** Pixel areas. */
    area: Spread;
    /** Equivalent diameters 2 sqrt(area / pi), px. */
    diameter: Spread;
    /** Narrowest gap (px) from each object to its nearest neighbour (Infinity beyond objects.ts's GAP_SEARCH). */
    gaps: number[];
  };
  /** Thickness (px) of the other class where it lies between objects (the ridge of its distance transform). */
  separatorThickness: Spread;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p10: quantile(sorted, 0.1), median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}

function range(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] };
}

/** Every `stride`-th value of every image (about 2^20 values in all) for the percentiles; mean and std over all. */
function intensity(samples: readonly Sample[]): Fingerprint['intensity'] {
  const total = samples.reduce((n, s) => n + s.image.data.length, 0);
  const stride = Math.max(1, Math.floor(total / 2 ** 20));
  const picked: number[] = [];
  const imageMeans: number[] = [];
  let sum = 0;
  let sumSq = 0;
  for (const { image } of samples) {
    let own = 0;
    for (let i = 0; i < image.data.length; i++) {
      const v = image.data[i];
      own += v;
      sumSq += v * v;
      if (i % stride === 0) picked.push(v);
    }
    sum += own;
    imageMeans.push(own / image.data.length);
  }
  picked.sort((a, b) => a - b);
  const mean = sum / total;
  const grand = imageMeans.reduce((a, b) => a + b, 0) / imageMeans.length;
  const imageMeanStd = Math.sqrt(imageMeans.reduce((a, m) => a + (m - grand) ** 2, 0) / imageMeans.length);
  return { mean, std: Math.sqrt(Math.max(0, sumSq / total - mean * mean)), p01: quantile(picked, 0.01), p99: quantile(picked, 0.99), imageMeanStd };
}

/** Evenly spread samples, at most `max`. */
function spreadPick<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

/**
 * The fingerprint of a 2D data set whose masks hold class indices 0..classes-1 (`values`: the
 * raw mask value of each class, when known).
 */
export function fingerprint(samples: readonly Sample[], values: number[] | null): Fingerprint {
  if (samples.length === 0) throw new Error('the data set holds no images');
  const classes = Math.max(2, values?.length ?? 0, ...samples.map((s) => s.mask.data.reduce((a, b) => Math.max(a, b), 0) + 1));
  const counts = new Float64Array(classes);
  for (const { mask } of samples) for (const k of mask.data) counts[k]++;
  const pixels = counts.reduce((a, b) => a + b, 0);
  const measured = spreadPick(samples, MAX_MEASURED_IMAGES);
  // Objects are the class that breaks into the most pieces; on a tie (one object on one
  // background), the rarer class.
  const components = measured.map((s) => componentCounts(s.mask, classes)).reduce((a, c) => a.map((n, k) => n + c[k]));
  const objectClass = components
    .map((n, k) => ({ n, k }))
    .sort((a, b) => b.n - a.n || counts[a.k] - counts[b.k])[0].k;
  const areas: number[] = [];
  const thickness: number[] = [];
  const gaps: number[] = [];
  for (const { mask } of measured) {
    const m = measureObjects(mask, objectClass);
    areas.push(...m.areas);
    thickness.push(...m.thickness);
    gaps.push(...m.gaps);
  }
  return {
    images: samples.length,
    channels: samples[0].image.channels,
    height: range(samples.map((s) => s.image.height)),
    width: range(samples.map((s) => s.image.width)),
    intensity: intensity(samples),
    classes,
    classValues: values,
    classFractions: Array.from(counts, (c) => c / pixels),
    objectClass,
    objects: {
      perImage: areas.length / measured.length,
      area: spread(areas),
      diameter: spread(areas.map((a) => 2 * Math.sqrt(a / Math.PI))),
      gaps: gaps.sort((a, b) => a - b),
    },
    separatorThickness: spread(thickness),
  };
}
