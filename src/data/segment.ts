// One image (or volume) -> class probabilities, mask and overlay, for `unet predict` and the
// playground (browser-safe: no Node built-in, no engine; the network is a Predictor). Small
// images of a legal size go through the network whole; others (valid padding, illegal or
// large sizes) through overlap-tile inference (src/data/tiling.ts) with the run's training
// window. Volumes take the same path with one more axis. Test-time augmentation
// (src/data/tta.ts) wraps the whole of it: transform the image, segment, transform back.
import type { Model } from '../language/ir/types.ts';
import { withInputSize } from '../language/shapes/infer.ts';
import { isLegal } from '../language/shapes/legal.ts';
import { normalizeImage, type Normalizer } from './normalize.ts';
import { predictTiled } from './tiling.ts';
import { predictWithTta, type TtaMode } from './tta.ts';
import type { Image2D, Mask2D, Volume, VolumeMask } from './types.ts';
import { isVolume, spatialSize } from './volume.ts';

/**
 * The seam between prediction and an engine (tfjs: src/backends/tfjs/predictor.ts; ONNX:
 * src/app/eval/onnx-predictor.ts). Runs n images of h x w (NHWC, the run's channels), or n
 * volumes of d x h x w (NDHWC); resolves to n x h' x w' x K (n x d' x h' x w' x K) probabilities.
 */
export type Predictor = (batch: Float32Array, n: number, ...size: number[]) => Promise<Float32Array>;

/** Images above this many training windows are tiled even when their size is legal (memory). */
const MAX_WHOLE_WINDOWS = 16;

/** Probabilities of every pixel: height x width x channels (channels 1 = sigmoid foreground). */
export interface Probabilities {
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** Probabilities of every voxel of a volume: depth x height x width x channels. */
export interface VolumeProbabilities extends Probabilities {
  depth: number;
}

const product = (sizes: readonly number[]) => sizes.reduce((a, b) => a * b, 1);

/** How to segment: test-time augmentation (default none). */
export interface SegmentOptions {
  tta?: TtaMode;
}

/** Runs the network on one image or volume (values as read, normalised here like in training). */
export async function segmentImage(image: Volume, ir: Model, normalizer: Normalizer, window: number[], predict: Predictor, options?: SegmentOptions): Promise<VolumeProbabilities>;
export async function segmentImage(image: Image2D, ir: Model, normalizer: Normalizer, window: number[], predict: Predictor, options?: SegmentOptions): Promise<Probabilities>;
export async function segmentImage(
  image: Image2D | Volume,
  ir: Model,
  normalizer: Normalizer,
  window: number[],
  predict: Predictor,
  options: SegmentOptions = {},
): Promise<Probabilities | VolumeProbabilities> {
  const size = spatialSize(image);
  if (window.length !== size.length) {
    throw new Error(`a ${size.length === 3 ? 'volume' : '2D image'} for a ${window.length}D network (window ${window.join('x')}): ${window.length === 3 ? 'give volumes (multi-page TIFFs)' : 'give 2D images'}`);
  }
  return predictWithTta(normalizeImage(image, normalizer), options.tta ?? 'none', (x) => segmentNormalized(x, ir, window, predict));
}

/** One normalised image or volume, as oriented: whole through the network, or overlap-tile. */
async function segmentNormalized(x: Image2D | Volume, ir: Model, window: number[], predict: Predictor): Promise<Probabilities | VolumeProbabilities> {
  const size = spatialSize(x);
  const channels = ir.output.channels;
  const extent = isVolume(x) ? { depth: x.depth, height: x.height, width: x.width } : { height: x.height, width: x.width };
  const whole = ir.padding === 'same' && size.every((s) => isLegal(ir.legalSizes, s)) && product(size) <= MAX_WHOLE_WINDOWS * product(window);
  if (whole) return { ...extent, channels, data: await predict(x.data, 1, ...size) };
  const outSize = withInputSize(ir, window).output.size as number[];
  const data = await predictTiled(x, { padding: ir.padding, inputSize: window, outputSize: outSize, numClasses: channels }, (tiles, n) =>
    predict(tiles, n, ...window),
  );
  return { ...extent, channels, data };
}

/** Class per pixel (voxel): p > 0.5 for a sigmoid head, argmax otherwise. */
export function toMask(p: VolumeProbabilities): VolumeMask;
export function toMask(p: Probabilities): Mask2D;
export function toMask(p: Probabilities | VolumeProbabilities): Mask2D | VolumeMask {
  const data = new Uint8Array(p.data.length / p.channels);
  for (let i = 0; i < data.length; i++) {
    if (p.channels === 1) {
      data[i] = p.data[i] > 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < p.channels; k++) if (p.data[i * p.channels + k] > p.data[i * p.channels + best]) best = k;
    data[i] = best;
  }
  return 'depth' in p ? { depth: p.depth, height: p.height, width: p.width, data } : { height: p.height, width: p.width, data };
}

/** The probability of class k as a gray image (volume) in [0, 1] (k = 1 for a sigmoid head's single channel). */
export function classProbability(p: VolumeProbabilities, k: number): Volume;
export function classProbability(p: Probabilities, k: number): Image2D;
export function classProbability(p: Probabilities | VolumeProbabilities, k: number): Image2D | Volume {
  const c = p.channels === 1 ? 0 : k;
  const data = new Float32Array(p.data.length / p.channels);
  for (let i = 0; i < data.length; i++) data[i] = p.data[i * p.channels + c];
  const image = { height: p.height, width: p.width, channels: 1, data };
  return 'depth' in p ? { depth: p.depth, ...image } : image;
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
