// A conv bias right before batch norm is cancelled by the norm's mean subtraction:
// wasted parameters (the PyTorch U-Net uses bias=False there).
import { warning } from '../diagnostics.ts';
import type { Rule } from './index.ts';

export const redundantBias: Rule = (spec) => {
  const stages = [...spec.encoder, spec.bottom, ...spec.decoder];
  const stage = stages.find((s) => s.bias && s.norm?.kind === 'batch');
  if (!stage) return [];
  return [warning('redundant-bias', 'convolutions followed by batch norm have a bias that the norm cancels', spec.spans['block.norm'] ?? stage.span, 'add `bias off`')];
};
