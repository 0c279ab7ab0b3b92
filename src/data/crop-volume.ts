// Random training crops of volumes, as crop.ts does for images: the volume crop is the
// network's input window, the mask crop its centred output window (smaller for valid
// padding), and beyond the volume's border the input is mirrored.
import type { Random } from './random.ts';
import type { Volume, VolumeMask, VolumeSample } from './types.ts';
import { mirroredWindow } from './window.ts';

type Size3 = readonly [number, number, number] | readonly number[];

/** Copies a window of `size` [D, H, W] at `start` [z, y, x] from a volume, mirroring outside it. */
export function cropVolume(volume: Volume, start: Size3, size: Size3): Volume {
  const data = mirroredWindow(volume.data, [volume.depth, volume.height, volume.width], volume.channels, start, size);
  return { depth: size[0], height: size[1], width: size[2], channels: volume.channels, data };
}

/** Copies a window from a mask volume, mirroring outside it. */
export function cropVolumeMask(mask: VolumeMask, start: Size3, size: Size3): VolumeMask {
  const data = mirroredWindow(mask.data, [mask.depth, mask.height, mask.width], 1, start, size);
  return { depth: size[0], height: size[1], width: size[2], data };
}

/**
 * A random crop: the volume window is the input size [D, H, W], the mask window the centred
 * output size. The output window lies inside the volume where it fits, so every mask voxel is
 * a real label; smaller volumes are mirror-padded (centred).
 */
export function randomVolumeCrop(sample: VolumeSample, inputSize: Size3, outputSize: Size3, rng: Random): VolumeSample {
  const margin = inputSize.map((s, a) => (s - outputSize[a]) / 2);
  margin.forEach((m, a) => {
    if (!Number.isInteger(m) || m < 0) {
      throw new RangeError(`input window ${inputSize[a]} and output window ${outputSize[a]} need an even, non-negative difference`);
    }
  });
  const size = [sample.image.depth, sample.image.height, sample.image.width];
  const start = size.map((s, a) => (s > outputSize[a] ? rng.int(s - outputSize[a] + 1) : Math.floor((s - outputSize[a]) / 2)));
  return {
    name: sample.name,
    image: cropVolume(sample.image, start.map((s, a) => s - margin[a]), inputSize),
    mask: cropVolumeMask(sample.mask, start, outputSize),
  };
}
