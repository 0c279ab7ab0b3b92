// Data augmentation (U-Net paper, sec. 3.1: shift and rotation invariance, robustness to
// deformations and gray-value variations; elastic deformation is "the key concept" with few
// training images). One geometric transform is drawn per sample and applied identically to
// image (bicubic) and mask (nearest), so labels stay aligned and stay labels.
import { elasticDisplacement, type Displacement } from './elastic.ts';
import type { Random } from './random.ts';
import { resampleImage, resampleMask, type CoordinateMap } from './resample.ts';
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
  /** Elastic displacement on the output grid, or none. */
  displacement: Displacement | null;
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
    displacement: config.elastic ? elasticDisplacement(outH, outW, config.elastic.grid, config.elastic.sigma, rng) : null,
  };
}

/**
 * The source coordinate of every output pixel: elastic displacement, then rotation and shift
 * about the centre, then the quarter turns and flips, all composed into one map so the data
 * is interpolated once.
 */
export function coordinateMap(t: GeometricTransform, height: number, width: number): CoordinateMap {
  const odd = t.rot90 % 2 === 1;
  const [outH, outW] = odd ? [width, height] : [height, width];
  const cy = (outH - 1) / 2;
  const cx = (outW - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  const mapY = new Float32Array(outH * outW);
  const mapX = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const i = y * outW + x;
      let py = y + (t.displacement ? t.displacement.dy[i] : 0) - cy - t.shiftY;
      let px = x + (t.displacement ? t.displacement.dx[i] : 0) - cx - t.shiftX;
      [py, px] = [cos * py - sin * px + cy, sin * py + cos * px + cx];
      // Undo the quarter turns: (outH x outW) -> (height x width).
      let sy = py;
      let sx = px;
      if (t.rot90 === 1) [sy, sx] = [px, width - 1 - py];
      else if (t.rot90 === 2) [sy, sx] = [height - 1 - py, width - 1 - px];
      else if (t.rot90 === 3) [sy, sx] = [height - 1 - px, py];
      mapY[i] = t.flipY ? height - 1 - sy : sy;
      mapX[i] = t.flipX ? width - 1 - sx : sx;
    }
  }
  return { height: outH, width: outW, mapY, mapX };
}

/** Applies one geometric transform to image and mask alike. */
export function transformSample(sample: Sample, t: GeometricTransform): Sample {
  const map = coordinateMap(t, sample.image.height, sample.image.width);
  return { name: sample.name, image: resampleImage(sample.image, map), mask: resampleMask(sample.mask, map) };
}

/** Random gray-value change of the image only: gamma, then contrast, then brightness. */
export function changeGrayValues(image: Image2D, config: AugmentConfig, rng: Random): Image2D {
  const g = Math.exp(rng.uniform(-config.gamma, config.gamma));
  const contrast = rng.uniform(1 - config.contrast, 1 + config.contrast);
  const brightness = rng.uniform(-config.brightness, config.brightness);
  const gammaed = config.gamma > 0 ? image.data.map((v) => Math.max(0, v) ** g) : image.data;
  let mean = 0;
  for (const v of gammaed) mean += v;
  mean /= gammaed.length;
  const data = gammaed.map((v) => (v - mean) * contrast + mean + brightness);
  return { ...image, data };
}

/** Augments one sample: a random geometric transform on both, gray-value change on the image. */
export function augment(sample: Sample, config: AugmentConfig, rng: Random): Sample {
  const geometric = transformSample(sample, drawTransform(config, sample.image.height, sample.image.width, rng));
  return { ...geometric, image: changeGrayValues(geometric.image, config, rng) };
}
