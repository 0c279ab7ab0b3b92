// `--checkpoint best|last` of `unet eval` and `unet predict`: which of a run's checkpoints
// to use. The best one is chosen on the validation images, so scoring it on those same
// images flatters it; `last` (the weights training ended with) is the fair figure there.
import { Option } from 'commander';

export function checkpointOption(): Option {
  return new Option('--checkpoint <which>', "a run directory's checkpoint: best (best validation Dice) or last (where training ended)")
    .choices(['best', 'last'])
    .default('best');
}
