// Which files an `import` or `extends ... from` may read as a spec. A spec can name any
// path, and the diagnostics of a file print its lines in code frames, so a file that is
// not a spec must be refused before any of its text reaches a message: otherwise
// `extends X from "secret.env"` would print the secrets. The rule (docs/language.md):
// the file name ends in `.unet`, and the file has at least one top-level `unet` statement
// or is free of syntax errors (an import-only file is a spec too).
import type { ParseResult } from '../grammar/index.ts';

/** Why `path` is not a spec (a phrase after its name), or null when it may be read as one. */
export function notASpec(path: string, parsed: ParseResult): string | null {
  if (!path.endsWith('.unet')) return 'does not end in `.unet`';
  const hasUnet = parsed.ast.statements.some((s) => s.key === 'unet');
  if (!hasUnet && parsed.diagnostics.length > 0) return 'defines no `unet` block and does not parse as one';
  return null;
}
