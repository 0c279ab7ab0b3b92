// Every semantic check, listed once. Each rule is one small file that looks at the
// resolved spec and its IR and returns diagnostics; all rules run, all problems are shown.
import type { Diagnostic } from '../diagnostics.ts';
import type { Model } from '../ir/types.ts';
import type { ResolvedSpec } from '../spec/types.ts';

export type Rule = (spec: ResolvedSpec, model: Model) => Diagnostic[];

export const rules: Rule[] = [];

export function runRules(spec: ResolvedSpec, model: Model): Diagnostic[] {
  return rules.flatMap((rule) => rule(spec, model));
}
