// `--tta none|flips|d4`, shared by `unet predict` and `unet eval` (src/data/tta.ts).
import { Option } from 'commander';
import { TTA_MODES } from '../data/tta.ts';

export function ttaOption(): Option {
  return new Option('--tta <mode>', 'test-time augmentation: average the probabilities over flips (4: left-right, up-down, both) or d4 (those and the quarter turns: 8)')
    .choices([...TTA_MODES])
    .default('none');
}
