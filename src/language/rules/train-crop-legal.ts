// A training crop is a network input: it must be a legal input size.
import { error } from '../diagnostics.ts';
import { isLegal, legalSizeMessage, nearestHint } from '../shapes/legal.ts';
import type { Rule } from './index.ts';

export const trainCropLegal: Rule = (spec, model) => {
  const crop = spec.train.crop;
  if (!crop) return [];
  const span = spec.spans['train.crop'] ?? spec.span;
  if (crop.length !== 1 && crop.length !== spec.dims)
    return [error('train-crop', `the crop ${crop.join('x')} has ${crop.length} axes, but the network is ${spec.dims}D`, span)];
  const bad = [...new Set(crop.filter((s) => !isLegal(model.legalSizes, s)))];
  return bad.map((s) =>
    error('train-crop', `crop size ${s} is not a legal input size: legal sizes are ${legalSizeMessage(model.legalSizes)}`, span, nearestHint(model.legalSizes, s)),
  );
};
