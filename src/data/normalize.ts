// Input normalisation. 'dataset' statistics come from the training set only and are saved
// with the model, so prediction applies exactly the transform the network was trained on.
import { assertNever } from '../language/assert-never.ts';
import type { Image2D, Volume } from './types.ts';

/** Anything channel-last with float values: an image or a volume. */
type Pixels = Image2D | Volume;

/** unit: use [0,1] values as read; image: per-image mean/std; dataset: training-set mean/std. */
export type NormalizeMode = 'unit' | 'image' | 'dataset';

/** A fitted normaliser, JSON-serialisable; mean/std are per channel (only for 'dataset'). */
export interface Normalizer {
  mode: NormalizeMode;
  mean?: number[];
  std?: number[];
}

// A constant image (std 0) is only centred, not blown up by a division by ~0.
const MIN_STD = 1e-6;

/** Per-channel mean and standard deviation over all pixels (voxels) of the images (volumes). */
export function channelStats(images: readonly Pixels[]): { mean: number[]; std: number[] } {
  const channels = images[0]?.channels ?? 1;
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  let pixels = 0;
  for (const image of images) {
    for (let i = 0; i < image.data.length; i++) {
      const v = image.data[i];
      sum[i % channels] += v;
      sumSq[i % channels] += v * v;
    }
    pixels += image.data.length / channels;
  }
  const mean = Array.from(sum, (s) => s / pixels);
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(0, s / pixels - mean[c] * mean[c])));
  return { mean, std };
}

/** Fits a normaliser; 'dataset' needs the training images and stores their statistics. */
export function fitNormalizer(mode: NormalizeMode, trainImages: readonly Pixels[] = []): Normalizer {
  if (mode !== 'dataset') return { mode };
  if (trainImages.length === 0) throw new Error("normalisation 'dataset' needs at least one training image");
  return { mode, ...channelStats(trainImages) };
}

/** Applies a normaliser to one image (or volume), returning a new one. */
export function normalizeImage<T extends Pixels>(image: T, normalizer: Normalizer): T {
  let stats: Pick<Normalizer, 'mean' | 'std'>;
  switch (normalizer.mode) {
    case 'unit':
      return image;
    case 'image':
      stats = channelStats([image]);
      break;
    case 'dataset':
      stats = normalizer;
      break;
    default:
      return assertNever(normalizer.mode, 'normalisation');
  }
  const { mean, std } = stats;
  if (!mean || !std || mean.length !== image.channels) {
    throw new Error(`normaliser has statistics for ${mean?.length ?? 0} channels, image has ${image.channels}`);
  }
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = i % image.channels;
    data[i] = (image.data[i] - mean[c]) / Math.max(std[c], MIN_STD);
  }
  return { ...image, data };
}
