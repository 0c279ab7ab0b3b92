// `unet fmt` as a function: the canonical text of a spec, or why it has none.
import { hasErrors, type Diagnostic } from './diagnostics.ts';
import { parseSource } from './grammar/index.ts';
import { printSource } from './printer.ts';

export interface FormatResult {
  /** The canonical text; null when the spec has syntax errors (formatting would drop what did not parse). */
  text: string | null;
  diagnostics: Diagnostic[];
}

export function formatSpec(text: string, file: string): FormatResult {
  const { ast, diagnostics } = parseSource(text, file);
  return { text: hasErrors(diagnostics) ? null : printSource(ast), diagnostics };
}
