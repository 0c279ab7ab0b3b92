// Test-time augmentation, around the prediction of one whole image (or volume), whatever runs
// the network (tfjs or onnxruntime: src/data/segment.ts calls it with either
// Predictor): the image is transformed whole by each symmetry of the mode (./dihedral.ts),
// predicted (whole or overlap-tile: tiles are laid on the transformed image, so a valid-padding
// net's tiles stay aligned to it), the probabilities transformed back exactly and averaged.
import { applyDihedral, D4, inverseOf, type Dihedral, type PlanarGrid } from './dihedral.ts';

export const TTA_MODES = ['none', 'flips', 'd4'] as const;
export type TtaMode = (typeof TTA_MODES)[number];

/** none: the image as is; flips: left-right, up-down and both; d4: those and the quarter turns, 8 in all. */
const TRANSFORMS: Record<TtaMode, readonly Dihedral[]> = { none: [0], flips: [0, 4, 6, 2], d4: D4 };

/** The mean of `predict` over the mode's transforms of `image`, each mapped back to `image`'s frame. */
export async function predictWithTta<G extends PlanarGrid, P extends PlanarGrid>(image: G, mode: TtaMode, predict: (image: G) => Promise<P>): Promise<P> {
  const transforms = TRANSFORMS[mode];
  let sum: Float64Array | undefined;
  let first: P | undefined;
  for (const t of transforms) {
    const p = applyDihedral(await predict(t === 0 ? image : applyDihedral(image, t)), inverseOf(t));
    first ??= p;
    sum ??= new Float64Array(p.data.length);
    for (let i = 0; i < sum.length; i++) sum[i] += p.data[i];
  }
  if (transforms.length === 1) return first!;
  return { ...first!, data: Float32Array.from(sum!, (v) => v / transforms.length) };
}
