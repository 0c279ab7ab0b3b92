// Diagnostics are values: a severity, a message that names what was expected and what was
// found, a location (1-based line and column) and an optional hint. They are collected, not
// thrown, so one run reports every problem; formatDiagnostic prints a code frame.
import type { Span } from './ir/types.ts';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** A short stable identifier of the check, e.g. "syntax", "unknown-keyword", "input-size". */
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  hint?: string;
}

export function diagnostic(severity: Severity, code: string, message: string, span: Span, hint?: string): Diagnostic {
  const d: Diagnostic = {
    severity,
    code,
    message,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
  };
  if (hint !== undefined) d.hint = hint;
  return d;
}

export const error = (code: string, message: string, span: Span, hint?: string) =>
  diagnostic('error', code, message, span, hint);
export const warning = (code: string, message: string, span: Span, hint?: string) =>
  diagnostic('warning', code, message, span, hint);

export const hasErrors = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => d.severity === 'error');

/** Diagnostics in file, line, column order (stable for equal positions). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** A tab in a code frame is printed as spaces up to the next multiple of this, so the caret line can count it. */
const TAB_WIDTH = 4;

function expandTabs(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\t' ? ' '.repeat(TAB_WIDTH - (out.length % TAB_WIDTH)) : ch;
  return out;
}

/**
 *   specs/x.unet:3:9: error: unknown keyword `filterz`
 *     3 |   filterz 64 doubling
 *       |   ^^^^^^^
 *     hint: did you mean `filters`?
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
  const lines = [head];
  const sourceLine = sourceText?.split(/\r?\n/)[d.line - 1];
  if (sourceLine !== undefined) {
    const gutter = String(d.line).length;
    // Columns count characters; the caret line counts what the frame prints (tabs expanded).
    const end = d.endLine === d.line ? d.endColumn : sourceLine.length + 1;
    const start = expandTabs(sourceLine.slice(0, Math.max(0, d.column - 1))).length;
    const width = Math.max(1, expandTabs(sourceLine.slice(0, Math.max(0, end - 1))).length - start);
    lines.push(`  ${d.line} | ${expandTabs(sourceLine)}`);
    lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(start)}${'^'.repeat(width)}`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/** Every diagnostic with its code frame; `sources` maps a file name to its text. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()): string {
  return sortDiagnostics(diagnostics)
    .map((d) => formatDiagnostic(d, sources.get(d.file)))
    .join('\n');
}
