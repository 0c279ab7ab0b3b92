// One image -> class probabilities, mask and overlay, for `unet predict`. Small images of a
// legal size go through the network whole; others (valid padding, illegal or large sizes)
// through overlap-tile inference (src/data/tiling.ts) with the run's training window.
import { normalizeImage, type Normalizer } from '../../../src/data/normalize.ts';
import { predictTiled } from '../../../src/data/tiling.ts';
import type { Image2D, Mask2D } from '../../../src/data/types.ts';
import type { Model } from '../../../src/ir/types.ts';
import { isLegal, withInputSize } from '../../../src/shapes/infer.ts';
import type { Predictor } from './predictor.ts';

/** Images above this many training windows are tiled even when their size is legal (memory). */
const MAX_WHOLE_WINDOWS = 16;

/** Probabilities of every pixel: height x width x channels (channels 1 = sigmoid foreground). */
export interface Probabilities {
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** Runs the network on one image (values as read, normalised here like in training). */
export async function segmentImage(
  image: Image2D,
  ir: Model,
  normalizer: Normalizer,
  window: number[],
  predict: Predictor,
): Promise<Probabilities> {
  const x = normalizeImage(image, normalizer);
  const { height, width } = image;
  const channels = ir.output.channels;
  const whole =
    ir.padding === 'same' &&
    isLegal(ir.legalSizes, height) &&
    isLegal(ir.legalSizes, width) &&
    height * width <= MAX_WHOLE_WINDOWS * window[0] * window[1];
  if (whole) return { height, width, channels, data: await predict(x.data, 1, height, width) };
  const outSize = withInputSize(ir, window).output.size as number[];
  const data = await predictTiled(
    x,
    { padding: ir.padding, inputSize: [window[0], window[1]], outputSize: [outSize[0], outSize[1]], numClasses: channels },
    (tiles, n) => predict(tiles, n, window[0], window[1]),
  );
  return { height, width, channels, data };
}

/** Class per pixel: p > 0.5 for a sigmoid head, argmax otherwise. */
export function toMask(p: Probabilities): Mask2D {
  const data = new Uint8Array(p.height * p.width);
  for (let i = 0; i < data.length; i++) {
    if (p.channels === 1) {
      data[i] = p.data[i] > 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < p.channels; k++) if (p.data[i * p.channels + k] > p.data[i * p.channels + best]) best = k;
    data[i] = best;
  }
  return { height: p.height, width: p.width, data };
}

/** The probability of class k as a gray image in [0, 1] (k = 1 for a sigmoid head's single channel). */
export function classProbability(p: Probabilities, k: number): Image2D {
  const c = p.channels === 1 ? 0 : k;
  const data = new Float32Array(p.height * p.width);
  for (let i = 0; i < data.length; i++) data[i] = p.data[i * p.channels + c];
  return { height: p.height, width: p.width, channels: 1, data };
}

// Foreground tints (matplotlib tab10 without its blue, which reads poorly on gray).
const TINTS: [number, number, number][] = [
  [1, 0.5, 0.05], [0.17, 0.63, 0.17], [0.84, 0.15, 0.16], [0.58, 0.4, 0.74], [0.55, 0.34, 0.29], [0.89, 0.47, 0.76],
];

/** The image in colour with every foreground class tinted half-transparently. */
export function overlay(image: Image2D, mask: Mask2D): Image2D {
  const data = new Float32Array(image.height * image.width * 3);
  for (let i = 0; i < mask.data.length; i++) {
    for (let c = 0; c < 3; c++) {
      const v = image.data[i * image.channels + (image.channels === 3 ? c : 0)];
      const k = mask.data[i];
      data[i * 3 + c] = k === 0 ? v : 0.5 * v + 0.5 * TINTS[(k - 1) % TINTS.length][c];
    }
  }
  return { height: image.height, width: image.width, channels: 3, data };
}
