// Every semantic check, listed once. Each rule is one small file that looks at the
// resolved spec and its IR and returns diagnostics; all rules run, all problems are shown.
// (Structural problems, such as a skip `add` with unequal channels or an illegal input
// size, are found where shapes are computed: src/language/ir/lower.ts and src/language/shapes/infer.ts.)
import type { Diagnostic } from '../diagnostics.ts';
import type { Model } from '../ir/types.ts';
import type { ResolvedSpec } from '../spec/types.ts';
import { lossMatchesHead } from './loss-matches-head.ts';
import { redundantBias } from './redundant-bias.ts';
import { trainCropLegal } from './train-crop-legal.ts';
import { training3d } from './training-3d.ts';
import { weightMapUsed } from './weight-map-used.ts';

export type Rule = (spec: ResolvedSpec, model: Model) => Diagnostic[];

export const rules: Rule[] = [lossMatchesHead, redundantBias, trainCropLegal, training3d, weightMapUsed];

export function runRules(spec: ResolvedSpec, model: Model): Diagnostic[] {
  return rules.flatMap((rule) => rule(spec, model));
}
