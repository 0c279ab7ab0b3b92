// The loss must fit the head: binary cross-entropy needs one sigmoid channel (or two
// softmax classes), categorical losses need a softmax over two or more classes.
import { error } from '../diagnostics.ts';
import type { Rule } from './index.ts';

export const lossMatchesHead: Rule = (spec) => {
  const span = spec.spans['train.loss'] ?? spec.spans['output'] ?? spec.span;
  const { loss } = spec.train;
  if (loss === 'bce' && spec.classes > 1 && spec.activation !== 'sigmoid' && spec.classes !== 2)
    return [error('loss-head', `loss bce needs a one-class sigmoid head (or two classes), but the output has ${spec.classes} ${spec.activation} classes`, span, 'use `loss ce` or `loss ce_dice`')];
  if ((loss === 'ce' || loss === 'ce_dice' || loss === 'weighted_ce') && spec.classes === 1)
    return [error('loss-head', `loss ${loss} needs two or more classes, but the output has one`, span, 'use `loss bce`, or `output 2 classes softmax`')];
  return [];
};
