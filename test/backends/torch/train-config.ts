// A complete, fixed train section for the hand-built fixtures (the ONNX fixtures carry only
// part of one), so generated packages and golden files do not change when a spec does.
import type { TrainConfig } from '../../../src/language/ir/types.ts';

export const TRAIN: TrainConfig = {
  loss: 'ce_dice',
  optimizer: { kind: 'adam', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
  schedule: { kind: 'constant', patience: 5, factor: 0.1, power: 0.9, minLr: 0 },
  batch: 8,
  epochs: 12,
  clip: null,
  valSplit: 0.2,
  seed: 7,
  crop: null,
  weightMap: null,
  augment: { elastic: null, flip: false, rotate90: false, rotate: 0, shift: 0, brightness: 0, contrast: 0, gamma: 0 },
  normalize: 'unit',
  maskValues: null,
};
