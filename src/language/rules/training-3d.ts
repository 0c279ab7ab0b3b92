// `unet train` cannot train a 3D network with the parts of the recipe that are 2D only: the
// U-Net border weight map (cells and distances are computed per 2D image) and elastic
// deformation. The network itself is fine (check, export, predict), so these are warnings
// here, located; unet train refuses them (src/app/train/session.ts).
import { warning } from '../diagnostics.ts';
import type { Rule } from './index.ts';

export const training3d: Rule = (spec) => {
  if (spec.dims !== 3) return [];
  const out = [];
  if (spec.train.loss === 'weighted_ce') {
    out.push(warning('training-3d', 'loss weighted_ce needs the U-Net border weight map, which is 2D only: unet train refuses it for a 3D network', spec.spans['train.loss'] ?? spec.span, 'use `loss ce`, `bce`, `dice` or `ce_dice`'));
  }
  if (spec.train.augment.elastic) {
    const span = spec.spans['train.augment.elastic'] ?? spec.spans['train.augment'] ?? spec.span;
    out.push(warning('training-3d', 'elastic deformation is 2D only: unet train refuses it for a 3D network', span, 'remove `elastic`; flip, rotate90, rotate and shift work in 3D'));
  }
  return out;
};
