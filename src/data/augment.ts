// Data augmentation (U-Net paper, sec. 3.1: shift and rotation invariance, robustness to
// deformations and gray-value variations; elastic deformation is "the key concept" with few
// training images). One geometric transform is drawn per sample and applied identically to
// image (bicubic) and mask (nearest), so labels stay aligned and stay labels.
import { cropPlace, type WindowSize } from './crop.ts';
import { displacementAt, drawElasticField, type Displacement, type ElasticField } from './elastic.ts';
import type { Random } from './random.ts';
import { mirrorIndex, resampleImage, resampleMask, type CoordinateMap } from './resample.ts';
import type { Image2D, Sample } from './types.ts';
import type { AugmentConfig } from '../language/ir/types.ts';

/** What to randomise (the spec's `train { augment { ... } }`); zero/false/null turns a part off. */
export type { AugmentConfig };

/** The U-Net paper's recipe: elastic 3x3 grid, 10 px, plus flips and small shifts/rotations. */
export const PAPER_AUGMENT: AugmentConfig = {
  elastic: { grid: 3, sigma: 10 },
  flip: true,
  rotate90: true,
  rotate: 10,
  shift: 0.05,
  brightness: 0.1,
  contrast: 0.1,
  gamma: 0.1,
};

/** One concrete geometric transform (the random draw, made explicit so it can be tested). */
export interface GeometricTransform {
  flipX: boolean;
  flipY: boolean;
  /** Quarter turns, 0..3. */
  rot90: number;
  /** Rotation about the centre, radians. */
  angle: number;
  shiftY: number;
  shiftX: number;
  /**
   * Elastic displacement on the output grid, or none: per pixel, or as the control vectors
   * (evaluated only where a window needs them).
   */
  displacement: Displacement | ElasticField | null;
}

/** The identity transform, a base for building explicit transforms. */
export const IDENTITY: GeometricTransform = {
  flipX: false,
  flipY: false,
  rot90: 0,
  angle: 0,
  shiftY: 0,
  shiftX: 0,
  displacement: null,
};

/** Draws a random geometric transform for an image of the given size. */
export function drawTransform(config: AugmentConfig, height: number, width: number, rng: Random): GeometricTransform {
  const rot90 = config.rotate90 ? rng.int(4) : 0;
  const [outH, outW] = rot90 % 2 === 1 ? [width, height] : [height, width];
  return {
    flipX: config.flip && rng.bool(),
    flipY: config.flip && rng.bool(),
    rot90,
    angle: (rng.uniform(-config.rotate, config.rotate) * Math.PI) / 180,
    shiftY: rng.uniform(-config.shift, config.shift) * height,
    shiftX: rng.uniform(-config.shift, config.shift) * width,
    displacement: config.elastic ? drawElasticField(outH, outW, config.elastic.grid, config.elastic.sigma, rng) : null,
  };
}

/** A window of a transformed image: rows top.., columns left..; beyond the image it is mirrored. */
export interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** The displacement at the pixels (rows[i], cols[j]) of the transformed image. */
function displacementOn(d: Displacement | ElasticField, outW: number, rows: Int32Array, cols: Int32Array): Displacement {
  if ('grid' in d) return displacementAt(d, rows, cols);
  const dy = new Float32Array(rows.length * cols.length);
  const dx = new Float32Array(rows.length * cols.length);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) {
      dy[i * cols.length + j] = d.dy[rows[i] * outW + cols[j]];
      dx[i * cols.length + j] = d.dx[rows[i] * outW + cols[j]];
    }
  }
  return { height: rows.length, width: cols.length, dy, dx };
}

/**
 * The source coordinate of every output pixel: elastic displacement, then rotation and shift
 * about the centre, then the quarter turns and flips, all composed into one map so the data
 * is interpolated once. With a window, only that window of the transformed image (its
 * pixels beyond the image mirrored, as a crop of the whole transformed image would be).
 */
export function coordinateMap(t: GeometricTransform, height: number, width: number, window?: Window): CoordinateMap {
  const odd = t.rot90 % 2 === 1;
  const [outH, outW] = odd ? [width, height] : [height, width];
  const win = window ?? { top: 0, left: 0, height: outH, width: outW };
  const rows = Int32Array.from({ length: win.height }, (_, i) => mirrorIndex(win.top + i, outH));
  const cols = Int32Array.from({ length: win.width }, (_, j) => mirrorIndex(win.left + j, outW));
  const d = t.displacement === null ? null : displacementOn(t.displacement, outW, rows, cols);
  const cy = (outH - 1) / 2;
  const cx = (outW - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  const mapY = new Float32Array(win.height * win.width);
  const mapX = new Float32Array(win.height * win.width);
  for (let r = 0; r < win.height; r++) {
    const y = rows[r];
    for (let c = 0; c < win.width; c++) {
      const x = cols[c];
      const i = r * win.width + c;
      const qy = y + (d ? d.dy[i] : 0) - cy - t.shiftY;
      const qx = x + (d ? d.dx[i] : 0) - cx - t.shiftX;
      const py = cos * qy - sin * qx + cy;
      const px = sin * qy + cos * qx + cx;
      // Undo the quarter turns: (outH x outW) -> (height x width).
      let sy = py;
      let sx = px;
      if (t.rot90 === 1) {
        sy = px;
        sx = width - 1 - py;
      } else if (t.rot90 === 2) {
        sy = height - 1 - py;
        sx = width - 1 - px;
      } else if (t.rot90 === 3) {
        sy = height - 1 - px;
        sx = py;
      }
      mapY[i] = t.flipY ? height - 1 - sy : sy;
      mapX[i] = t.flipX ? width - 1 - sx : sx;
    }
  }
  return { height: win.height, width: win.width, mapY, mapX };
}

/** Applies one geometric transform to image and mask alike. */
export function transformSample(sample: Sample, t: GeometricTransform): Sample {
  const map = coordinateMap(t, sample.image.height, sample.image.width);
  return { name: sample.name, image: resampleImage(sample.image, map), mask: resampleMask(sample.mask, map) };
}

/** One random gray-value change: gamma exponent, contrast factor, brightness offset. */
export interface GrayChange {
  gamma: number;
  contrast: number;
  brightness: number;
}

/** Draws a gray-value change (three draws: gamma, contrast, brightness). */
export function drawGrayChange(config: AugmentConfig, rng: Random): GrayChange {
  const gamma = Math.exp(rng.uniform(-config.gamma, config.gamma));
  const contrast = rng.uniform(1 - config.contrast, 1 + config.contrast);
  const brightness = rng.uniform(-config.brightness, config.brightness);
  return { gamma, contrast, brightness };
}

/** Applies a gray-value change: gamma, then contrast about the image's mean, then brightness. */
export function applyGrayChange(image: Image2D, change: GrayChange, config: AugmentConfig): Image2D {
  const gammaed = config.gamma > 0 ? image.data.map((v) => Math.max(0, v) ** change.gamma) : image.data;
  let mean = 0;
  for (const v of gammaed) mean += v;
  mean /= gammaed.length;
  const data = gammaed.map((v) => (v - mean) * change.contrast + mean + change.brightness);
  return { ...image, data };
}

/** Random gray-value change of the image only: gamma, then contrast, then brightness. */
export function changeGrayValues(image: Image2D, config: AugmentConfig, rng: Random): Image2D {
  return applyGrayChange(image, drawGrayChange(config, rng), config);
}

/** Augments one sample: a random geometric transform on both, gray-value change on the image. */
export function augment(sample: Sample, config: AugmentConfig, rng: Random): Sample {
  const geometric = transformSample(sample, drawTransform(config, sample.image.height, sample.image.width, rng));
  return { ...geometric, image: changeGrayValues(geometric.image, config, rng) };
}

/**
 * A random training crop of an augmented sample, computed on the crop alone: the same random
 * draws in the same order as `randomCrop(augment(sample))` and the same pixels, except that
 * contrast scales about the crop's mean instead of the whole image's. Interpolating only
 * the input window (252 x 252 of a 512 x 512 slice) makes it about four times cheaper.
 */
export function augmentCrop(sample: Sample, config: AugmentConfig, inputSize: WindowSize, outputSize: WindowSize, rng: Random): Sample {
  const { height, width } = sample.image;
  const t = drawTransform(config, height, width, rng);
  const gray = drawGrayChange(config, rng);
  const [outH, outW] = t.rot90 % 2 === 1 ? [width, height] : [height, width];
  const p = cropPlace(outH, outW, inputSize, outputSize, rng);
  const map = coordinateMap(t, height, width, { top: p.top - p.marginY, left: p.left - p.marginX, height: p.inH, width: p.inW });
  const maskMap = innerMap(map, p.marginY, p.marginX, p.outH, p.outW);
  return {
    name: sample.name,
    image: applyGrayChange(resampleImage(sample.image, map), gray, config),
    mask: resampleMask(sample.mask, maskMap),
  };
}

/** The h x w part of a coordinate map starting at (top, left). */
function innerMap(map: CoordinateMap, top: number, left: number, h: number, w: number): CoordinateMap {
  const mapY = new Float32Array(h * w);
  const mapX = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const from = (y + top) * map.width + left;
    mapY.set(map.mapY.subarray(from, from + w), y * w);
    mapX.set(map.mapX.subarray(from, from + w), y * w);
  }
  return { height: h, width: w, mapY, mapX };
}
