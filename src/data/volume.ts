// Volumes as stacks of slices and as flat views: slice k of a volume is an Image2D (or
// Mask2D) sharing its memory, and a whole volume is the 2D picture of its slices stacked
// vertically (depth x height rows), which is all that per-voxel code (metrics, statistics,
// gray-value changes) needs.
import type { Image2D, Mask2D, Volume, VolumeMask } from './types.ts';

/** True for a volume (or volume mask), false for a 2D image (or mask). */
export function isVolume<V extends Volume | VolumeMask>(x: V | Image2D | Mask2D): x is V {
  return 'depth' in x;
}

/** The spatial sizes: [height, width] of an image, [depth, height, width] of a volume. */
export function spatialSize(x: Image2D | Mask2D | Volume | VolumeMask): number[] {
  return isVolume(x) ? [x.depth, x.height, x.width] : [x.height, x.width];
}

/** Slice k of a volume (a view, no copy). */
export function volumeSlice(volume: Volume, k: number): Image2D {
  const n = volume.height * volume.width * volume.channels;
  return { height: volume.height, width: volume.width, channels: volume.channels, data: volume.data.subarray(k * n, (k + 1) * n) };
}

/** Slice k of a mask volume (a view, no copy). */
export function maskSlice(mask: VolumeMask, k: number): Mask2D {
  const n = mask.height * mask.width;
  return { height: mask.height, width: mask.width, data: mask.data.subarray(k * n, (k + 1) * n) };
}

/** A mask volume as one 2D mask of depth x height rows (a view), for per-voxel metrics. */
export function flatMask(mask: Mask2D | VolumeMask): Mask2D {
  return isVolume(mask) ? { height: mask.depth * mask.height, width: mask.width, data: mask.data } : mask;
}

/** Stacks equally sized slices into a volume. */
export function stackSlices(slices: readonly Image2D[]): Volume {
  const { height, width, channels } = slices[0];
  const data = new Float32Array(slices.length * height * width * channels);
  slices.forEach((s, k) => data.set(s.data, k * height * width * channels));
  return { depth: slices.length, height, width, channels, data };
}

/** Stacks equally sized mask slices into a mask volume. */
export function stackMasks(slices: readonly Mask2D[]): VolumeMask {
  const { height, width } = slices[0];
  const data = new Uint8Array(slices.length * height * width);
  slices.forEach((s, k) => data.set(s.data, k * height * width));
  return { depth: slices.length, height, width, data };
}
