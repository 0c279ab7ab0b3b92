// Training and validation volumes brought to the network's window, as prepare.ts does for
// images: augmentation (src/data/augment-volume.ts), the crop (input window for the volume,
// centred output window for the mask), normalisation. No weight map: the U-Net border
// weights are 2D (session.ts refuses weighted_ce for 3D networks before anything runs).
import { augmentVolume } from '../../data/augment-volume.ts';
import { cropVolumeMask, randomVolumeCrop } from '../../data/crop-volume.ts';
import { normalizeImage, type Normalizer } from '../../data/normalize.ts';
import { Random } from '../../data/random.ts';
import type { VolumeSample } from '../../data/types.ts';
import type { Model } from '../../language/ir/types.ts';
import type { Prepared } from '../../backends/tfjs/train/batches.ts';
import { augments } from '../../backends/tfjs/train/prepare.ts';

export interface VolumePreparers {
  train: (sample: VolumeSample, rng: Random) => Prepared<VolumeSample>;
  val: (sample: VolumeSample, index: number) => Prepared<VolumeSample>;
}

/**
 * Preparers for a 3D IR built at the training input size: with train.crop, random windows
 * (fixed ones for validation); without, whole volumes, and for valid padding the mask's
 * centre that the network's output covers.
 */
export function makeVolumePreparers(ir: Model, normalizer: Normalizer): VolumePreparers {
  const { train } = ir;
  const inSize = ir.input.size as number[];
  const outSize = ir.output.size as number[];
  const window = (sample: VolumeSample, rng: Random): VolumeSample => {
    if (train.crop !== null) return randomVolumeCrop(sample, inSize, outSize, rng);
    if (inSize.every((s, a) => s === outSize[a])) return sample;
    return { ...sample, mask: cropVolumeMask(sample.mask, inSize.map((s, a) => (s - outSize[a]) / 2), outSize) };
  };
  const finish = (sample: VolumeSample): Prepared<VolumeSample> => ({ image: normalizeImage(sample.image, normalizer), mask: sample.mask, weights: null });
  const valRoot = new Random(train.seed).fork('val-crops');
  return {
    train: (sample, rng) => finish(window(augments(train.augment) ? augmentVolume(sample, train.augment, rng) : sample, rng)),
    val: (sample, index) => finish(window(sample, valRoot.fork(String(index)))),
  };
}
