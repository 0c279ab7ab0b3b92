// Training and validation samples brought to the network's window: augmentation (src/data
// augment.ts), the crop (input window for the image, centred output window for the mask,
// which differ for valid-padding networks), normalisation and the U-Net weight map.
// Browser-safe: `unet train` and the playground's training prepare samples with it.
import { augment, augmentCrop } from '../../../data/augment.ts';
import { cropMask, randomCrop } from '../../../data/crop.ts';
import { normalizeImage, type Normalizer } from '../../../data/normalize.ts';
import { Random } from '../../../data/random.ts';
import type { Sample } from '../../../data/types.ts';
import { unetWeightMap } from '../../../data/weight-map.ts';
import type { AugmentConfig, Model } from '../../../language/ir/types.ts';
import type { Prepared } from './batches.ts';

/** True when any part of the augmentation is switched on. */
export function augments(a: AugmentConfig): boolean {
  return a.elastic !== null || a.flip || a.rotate90 || a.rotate > 0 || a.shift > 0 || a.brightness > 0 || a.contrast > 0 || a.gamma > 0;
}

/**
 * The generator training sample `index` of `epoch` is prepared with, wherever it is prepared
 * (this thread, a worker: batch-source.ts), so batches do not depend on where they were made.
 */
export function augmentRng(seed: number, epoch: number, index: number): Random {
  return new Random(seed).fork(`augment/${epoch}/${index}`);
}

export interface Preparers {
  train: (sample: Sample, rng: Random) => Prepared;
  val: (sample: Sample, index: number) => Prepared;
}

/**
 * Preparers for an IR built at the training input size: with train.crop, random windows
 * (fixed ones for validation); without, whole images, and for valid padding the mask's
 * centre that the network's output covers.
 */
export function makePreparers(ir: Model, normalizer: Normalizer): Preparers {
  const { train } = ir;
  const [inH, inW] = ir.input.size as [number, number];
  const [outH, outW] = ir.output.size as [number, number];
  const weighted = train.loss === 'weighted_ce' || train.weightMap !== null;
  const window = (sample: Sample, rng: Random): Sample => {
    if (train.crop !== null) return randomCrop(sample, [inH, inW], [outH, outW], rng);
    if (inH === outH && inW === outW) return sample;
    return { ...sample, mask: cropMask(sample.mask, (inH - outH) / 2, (inW - outW) / 2, outH, outW) };
  };
  const finish = (sample: Sample): Prepared => ({
    image: normalizeImage(sample.image, normalizer),
    mask: sample.mask,
    // U-Net paper, sec. 3: w0 = 10, sigma = 5 px unless the spec says otherwise.
    weights: weighted ? unetWeightMap(sample.mask, Math.max(ir.classes, 2), train.weightMap ?? {}) : null,
  });
  const valRoot = new Random(train.seed).fork('val-crops');
  const augmented = augments(train.augment);
  return {
    // With a crop, the augmentation is computed on the crop's window only (augmentCrop).
    train: (sample, rng) => {
      if (!augmented) return finish(window(sample, rng));
      if (train.crop !== null) return finish(augmentCrop(sample, train.augment, [inH, inW], [outH, outW], rng));
      return finish(window(augment(sample, train.augment, rng), rng));
    },
    val: (sample, index) => finish(window(sample, valRoot.fork(String(index)))),
  };
}
