// `--augment "elastic grid 3 sigma 10; flip"`: augmentation set on the command line in the
// spec language itself (the statements of an `augment { ... }` block), read by the same
// keyword table, so a flag can say exactly what a spec can, with the same diagnostics.
import { parseSource } from '../grammar/index.ts';
import { formatDiagnostics, hasErrors } from '../diagnostics.ts';
import type { AugmentConfig } from '../ir/types.ts';
import { interpret } from './interpret.ts';

const FLAG = '--augment';

/** The augmentation settings the flag's statements write (others keep the spec's value). */
export function readAugmentFlag(statements: string): Partial<AugmentConfig> {
  // The statements stand alone on line 2, so diagnostics point at their own columns.
  const text = `unet Flag { train { augment {\n${statements}\n} } }\n`;
  const parsed = parseSource(text, FLAG);
  const { decls, diagnostics } = interpret(parsed.ast);
  const all = [...parsed.diagnostics, ...diagnostics];
  if (hasErrors(all)) throw new Error(`${FLAG} "${statements}":\n${formatDiagnostics(all, new Map([[FLAG, text]]))}`);
  return (decls[0]?.settings.train.augment ?? {}) as Partial<AugmentConfig>;
}
