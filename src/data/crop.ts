// Random training crops. A valid-padding U-Net sees an input window larger than the window
// it predicts (U-Net paper: 572 -> 388, a margin of 92 px per side), so the image crop is the
// input window and the mask crop is its centred output window; beyond the image border the
// input is mirrored (U-Net paper, Fig. 2).
import type { Random } from './random.ts';
import { mirrorIndex } from './resample.ts';
import type { Image2D, Mask2D, Sample } from './types.ts';

/** Copies a height x width window at (top, left) from an image, mirroring outside it. */
export function cropImage(image: Image2D, top: number, left: number, height: number, width: number): Image2D {
  const c = image.channels;
  const data = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const sy = mirrorIndex(top + y, image.height);
    for (let x = 0; x < width; x++) {
      const src = (sy * image.width + mirrorIndex(left + x, image.width)) * c;
      for (let ch = 0; ch < c; ch++) data[(y * width + x) * c + ch] = image.data[src + ch];
    }
  }
  return { height, width, channels: c, data };
}

/** Copies a window from a mask, mirroring outside it. */
export function cropMask(mask: Mask2D, top: number, left: number, height: number, width: number): Mask2D {
  const data = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    const sy = mirrorIndex(top + y, mask.height);
    for (let x = 0; x < width; x++) data[y * width + x] = mask.data[sy * mask.width + mirrorIndex(left + x, mask.width)];
  }
  return { height, width, data };
}

/** A window size: one number for a square, or [height, width]. */
export type WindowSize = number | readonly number[];

function hw(size: WindowSize): [number, number] {
  if (typeof size === 'number') return [size, size];
  const [h, w = h] = size;
  return [h!, w!];
}

/** Where a random crop lies: its output window at (top, left), its input window `margin` px further out. */
export interface CropPlace {
  top: number;
  left: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  marginY: number;
  marginX: number;
}

/**
 * Draws a crop of an image of height x width: the output window lies inside the image when
 * it fits (so every mask pixel is a real label), else centred; the input window extends it
 * by the margin on each side (mirrored beyond the image). Two draws, top then left.
 */
export function cropPlace(height: number, width: number, inputSize: WindowSize, outputSize: WindowSize, rng: Random): CropPlace {
  const [inH, inW] = hw(inputSize);
  const [outH, outW] = hw(outputSize);
  const marginY = (inH - outH) / 2;
  const marginX = (inW - outW) / 2;
  for (const [i, o, m] of [[inH, outH, marginY], [inW, outW, marginX]] as const) {
    if (!Number.isInteger(m) || m < 0) {
      throw new RangeError(`input window ${i} and output window ${o} need an even, non-negative difference`);
    }
  }
  const top = height > outH ? rng.int(height - outH + 1) : Math.floor((height - outH) / 2);
  const left = width > outW ? rng.int(width - outW + 1) : Math.floor((width - outW) / 2);
  return { top, left, inH, inW, outH, outW, marginY, marginX };
}

/**
 * A random crop: the image window is the input size, the mask window the centred output
 * size (equal sizes for same-padding networks). Sizes are one number (a square) or
 * [height, width]. The output window lies inside the image when it fits, so every mask
 * pixel is a real label; smaller images are mirror-padded.
 */
export function randomCrop(sample: Sample, inputSize: WindowSize, outputSize: WindowSize, rng: Random): Sample {
  const p = cropPlace(sample.image.height, sample.image.width, inputSize, outputSize, rng);
  return {
    name: sample.name,
    image: cropImage(sample.image, p.top - p.marginY, p.left - p.marginX, p.inH, p.inW),
    mask: cropMask(sample.mask, p.top, p.left, p.outH, p.outW),
  };
}
