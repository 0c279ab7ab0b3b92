// The project's diagnostics as CodeMirror lint diagnostics: squiggles over the same spans
// `unet check` reports, with the message and its hint in the tooltip.
import type { Text } from '@codemirror/state';
import type { Diagnostic as LintDiagnostic } from '@codemirror/lint';
import type { Diagnostic } from '../src/language/diagnostics.ts';

/** The offset of a 1-based line and column, clamped to the text (a span may end past it). */
export function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + column - 1, l.to);
}

export function toLint(diagnostics: readonly Diagnostic[], doc: Text, file: string): LintDiagnostic[] {
  return diagnostics
    .filter((d) => d.file === file)
    .map((d) => {
      const from = offsetOf(doc, d.line, d.column);
      // An empty span (an error at the end of a line) still gets a visible mark.
      const to = Math.max(from, offsetOf(doc, d.endLine, d.endColumn));
      return {
        from,
        to,
        severity: d.severity,
        source: d.code,
        message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
      };
    });
}
