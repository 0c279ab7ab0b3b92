// A weight map only changes training through a weighted cross-entropy (weighted_ce, or the CE
// term of ce_dice): with any other loss it is computed for nothing.
import { warning } from '../diagnostics.ts';
import type { Rule } from './index.ts';

export const weightMapUsed: Rule = (spec) => {
  if (spec.train.weightMap === null || spec.train.loss === 'weighted_ce' || spec.train.loss === 'ce_dice') return [];
  const span = spec.spans['train.weight_map'] ?? spec.span;
  return [warning('weight-map-unused', `the weight map has no effect with loss ${spec.train.loss}`, span, 'use `loss weighted_ce` or `loss ce_dice`, or remove `weight_map`')];
};
