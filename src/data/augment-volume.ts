// Data augmentation of volumes: flips along every axis, and the in-plane part of augment.ts
// (quarter turns, rotation and shift in the H x W plane, the same for every slice, so a
// rotation about the depth axis), with the gray-value changes of 2D. Elastic deformation is
// 2D only (a per-slice field would tear the volume apart between slices): training refuses it.
import { changeGrayValues, coordinateMap, drawTransform, type AugmentConfig } from './augment.ts';
import type { Random } from './random.ts';
import { resampleImage, resampleMask } from './resample.ts';
import type { VolumeSample } from './types.ts';
import { maskSlice, stackMasks, stackSlices, volumeSlice } from './volume.ts';

/** The augmentation settings that have no 3D implementation, by their spec keyword. */
export function unsupportedIn3d(config: AugmentConfig): string[] {
  return config.elastic ? ['elastic'] : [];
}

/** Augments one volume sample: a flip of the depth axis, then one in-plane transform of every slice. */
export function augmentVolume(sample: VolumeSample, config: AugmentConfig, rng: Random): VolumeSample {
  const { image, mask } = sample;
  const flipZ = config.flip && rng.bool();
  const transform = { ...drawTransform({ ...config, elastic: null }, image.height, image.width, rng), displacement: null };
  const map = coordinateMap(transform, image.height, image.width);
  const source = (k: number) => (flipZ ? image.depth - 1 - k : k);
  const slices = Array.from({ length: image.depth }, (_, k) => resampleImage(volumeSlice(image, source(k)), map));
  const masks = Array.from({ length: image.depth }, (_, k) => resampleMask(maskSlice(mask, source(k)), map));
  const volume = stackSlices(slices);
  // Gray values over the whole volume (one mean), as changeGrayValues does for one image.
  const flat = changeGrayValues({ height: volume.depth * volume.height, width: volume.width, channels: volume.channels, data: volume.data }, config, rng);
  return { name: sample.name, image: { ...volume, data: flat.data }, mask: stackMasks(masks) };
}
