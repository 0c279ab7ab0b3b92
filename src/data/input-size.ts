// The size a network trains at, from the spec and the data: what `unet train`
// (src/app/train/session.ts) and the playground's page trainer both use.
import type { TrainConfig } from '../language/ir/types.ts';
import type { Sample, VolumeSample } from './types.ts';
import { spatialSize } from './volume.ts';

/** The training input size: the crop, or the (common) size of the images (volumes). */
export function trainingInputSize(train: TrainConfig, samples: readonly (Sample | VolumeSample)[]): number[] {
  // `crop S` means S on every axis (src/language/spec/resolve.ts expands it); `crop HxW` is a rectangle.
  if (train.crop !== null) return train.crop;
  const size = spatialSize(samples[0]!.image);
  const other = samples.find((s) => spatialSize(s.image).join() !== size.join());
  if (other) {
    // Sizes as W x H (x D), the way image tools print them.
    const wh = (s: Sample | VolumeSample) => spatialSize(s.image).reverse().join('x');
    throw new Error(
      `${size.length === 3 ? 'volumes' : 'images'} differ in size (${samples[0]!.name} is ${wh(samples[0]!)}, ${other.name} is ${wh(other)}): set a training crop (train { crop ... }) in the spec`,
    );
  }
  return size;
}
