// The U-Net paper's loss weight map (Ronneberger et al. 2015, sec. 3, eq. 2):
//   w(x) = w_c(x) + w0 * exp(-(d1(x) + d2(x))^2 / (2 sigma^2))
// d1, d2 = distance to the border of the nearest and the second-nearest cell. The border
// term makes the network learn the thin background gaps that separate touching cells.
import { connectedComponents } from './components.ts';
import { squaredDistanceTransform } from './edt.ts';
import type { Image2D, Mask2D } from './types.ts';

/** Options of the weight map; every field has the paper's default. */
export interface WeightMapOptions {
  /** U-Net paper, sec. 3: w0 = 10. */
  w0?: number;
  /** U-Net paper, sec. 3: sigma about 5 px. */
  sigma?: number;
  /** Class index of cells (default 1); with ISBI 2012 maskValues [255, 0] cells are class 0. */
  cellClass?: number;
  /** Instance labels (0 = background, 1..n = cells); replaces connected components. */
  instances?: Int32Array;
  /** Cells are 4-connected components (the default) or 8-connected. */
  connectivity?: 4 | 8;
  /** w_c per class; default classBalanceWeights of this mask alone. */
  classWeights?: readonly number[];
  /**
   * Distances are computed in each cell's bounding box grown by this margin (default 4 sigma,
   * beyond which the border term is below w0 * exp(-8) = 0.003); Infinity = whole image.
   */
  margin?: number;
}

/**
 * Class-balancing weights w_c(k) = 1 / freq_k, scaled so the most frequent class weighs 1
 * (so w = 1 for the majority class and rare classes weigh freq_max / freq_k); a class that
 * never occurs gets weight 1 (it has no pixels to weigh).
 */
export function classBalanceWeights(masks: readonly Mask2D[], numClasses: number): number[] {
  const counts = new Float64Array(numClasses);
  for (const m of masks) for (const k of m.data) counts[k]++;
  const max = Math.max(...counts);
  return Array.from(counts, (c) => (c === 0 ? 1 : max / c));
}

/** Nearest (d1) and second-nearest (d2) cell distances for every pixel (Infinity if none). */
export function nearestCellDistances(
  cells: Int32Array,
  cellCount: number,
  height: number,
  width: number,
  margin = Infinity,
): { d1: Float64Array; d2: Float64Array } {
  const d1 = new Float64Array(height * width).fill(Infinity);
  const d2 = new Float64Array(height * width).fill(Infinity);
  for (const [label, box] of boundingBoxes(cells, cellCount, width)) {
    // One EDT per cell, restricted to its box plus margin: pixels farther away than the
    // margin keep Infinity for this cell, which only drops a negligible border term.
    const y0 = Math.max(0, box.y0 - Math.ceil(margin));
    const y1 = Math.min(height - 1, box.y1 + Math.ceil(margin));
    const x0 = Math.max(0, box.x0 - Math.ceil(margin));
    const x1 = Math.min(width - 1, box.x1 + Math.ceil(margin));
    const bh = y1 - y0 + 1;
    const bw = x1 - x0 + 1;
    const feature = new Uint8Array(bh * bw);
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) feature[y * bw + x] = cells[(y + y0) * width + x + x0] === label ? 1 : 0;
    }
    const sq = squaredDistanceTransform(feature, bh, bw);
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        const i = (y + y0) * width + x + x0;
        const d = Math.sqrt(sq[y * bw + x]);
        if (d < d1[i]) {
          d2[i] = d1[i];
          d1[i] = d;
        } else if (d < d2[i]) {
          d2[i] = d;
        }
      }
    }
  }
  return { d1, d2 };
}

/** Bounding box of each label 1..count, keyed by label. */
function boundingBoxes(labels: Int32Array, count: number, width: number) {
  const boxes = new Map<number, { y0: number; y1: number; x0: number; x1: number }>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 0 || l > count) continue;
    const y = Math.floor(i / width);
    const x = i % width;
    const b = boxes.get(l);
    if (!b) boxes.set(l, { y0: y, y1: y, x0: x, x1: x });
    else {
      b.y0 = Math.min(b.y0, y);
      b.y1 = Math.max(b.y1, y);
      b.x0 = Math.min(b.x0, x);
      b.x1 = Math.max(b.x1, x);
    }
  }
  return boxes;
}

/**
 * The weight map of one mask (row-major, height x width). The border term is added on
 * background pixels only, as in the paper where it emphasises the separating borders; pixels
 * inside cells get w_c alone (their d1 is 0, so the term would only blur the cell edges).
 * With fewer than two cells d2 is infinite and the border term vanishes.
 */
export function unetWeightMap(mask: Mask2D, numClasses: number, options: WeightMapOptions = {}): Float32Array {
  const { w0 = 10, sigma = 5, cellClass = 1, connectivity = 4 } = options;
  const { height, width } = mask;
  const classWeights = options.classWeights ?? classBalanceWeights([mask], numClasses);
  const cells = options.instances
    ? { labels: options.instances, count: options.instances.reduce((a, b) => Math.max(a, b), 0) }
    : connectedComponents(height, width, (i) => mask.data[i] === cellClass, connectivity);
  const { d1, d2 } = nearestCellDistances(cells.labels, cells.count, height, width, options.margin ?? 4 * sigma);
  const weights = new Float32Array(height * width);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = classWeights[mask.data[i]];
    if (cells.labels[i] === 0) {
      const s = d1[i] + d2[i];
      weights[i] += w0 * Math.exp(-(s * s) / (2 * sigma * sigma));
    }
  }
  return weights;
}

/** A gray preview of a weight map, scaled so `max` (default: the map's maximum) is white. */
export function weightMapToImage(weights: Float32Array, height: number, width: number, max?: number): Image2D {
  let top = max ?? 0;
  if (max === undefined) for (const w of weights) top = Math.max(top, w);
  const scale = top > 0 ? 1 / top : 0;
  return { height, width, channels: 1, data: weights.map((w) => Math.min(1, w * scale)) };
}
