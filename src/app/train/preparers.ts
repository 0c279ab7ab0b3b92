// The sample preparation of a run, for the network's dimensionality: images (prepare.ts of the
// tfjs backend) or volumes (prepare-volume.ts). Pure functions of the IR and the normaliser,
// so the preparation workers (prep-worker.ts) rebuild exactly the preparers of the main thread.
import type { Normalizer } from '../../data/normalize.ts';
import type { Random } from '../../data/random.ts';
import type { Sample, VolumeSample } from '../../data/types.ts';
import type { Model } from '../../language/ir/types.ts';
import type { AnySample, Prepared } from '../../backends/tfjs/train/batches.ts';
import { makePreparers } from '../../backends/tfjs/train/prepare.ts';
import { makeVolumePreparers } from './prepare-volume.ts';

export interface AnyPreparers {
  train: (sample: AnySample, rng: Random) => Prepared<AnySample>;
  val: (sample: AnySample, index: number) => Prepared<AnySample>;
}

/** Sample preparation for an IR built at the training input size (the samples were loaded for it: loadSamples). */
export function preparersFor(ir: Model, normalizer: Normalizer): AnyPreparers {
  if (ir.dims === 3) {
    const p = makeVolumePreparers(ir, normalizer);
    return { train: (s, rng) => p.train(s as VolumeSample, rng), val: (s, i) => p.val(s as VolumeSample, i) };
  }
  const p = makePreparers(ir, normalizer);
  return { train: (s, rng) => p.train(s as Sample, rng), val: (s, i) => p.val(s as Sample, i) };
}
