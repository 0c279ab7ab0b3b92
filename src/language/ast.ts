// The syntax tree of a .unet file. The grammar is generic (statements with values and
// optional blocks); src/language/spec/interpret.ts gives the statements their meaning.
import type { Span } from './ir/types.ts';

export type { Span };

export type Value =
  | { kind: 'number'; value: number; text: string; span: Span }
  /** "3x3" or "1 x 572 x 572"; null for "?" (unknown size). */
  | { kind: 'dims'; value: (number | null)[]; text: string; span: Span }
  | { kind: 'name'; value: string; text: string; span: Span }
  | { kind: 'string'; value: string; text: string; span: Span }
  | { kind: 'unknown'; value: null; text: string; span: Span };

export interface Statement {
  key: string;
  keySpan: Span;
  values: Value[];
  /** The statements inside `{ ... }`, or null for a one-line statement. */
  block: Statement[] | null;
  span: Span;
  /** Comment lines directly above the statement (without the leading "#"). */
  comments: string[];
  /** The line of the first of those comments, or of the key: `unet fmt` keeps a blank line above it. */
  leadLine: number;
  /** A comment on the same line, after the statement. */
  trailingComment: string | null;
  /** Comments inside the block after its last statement. */
  endComments: string[];
}

export interface SourceFile {
  file: string;
  text: string;
  statements: Statement[];
  /** Comments after the last statement of the file. */
  endComments: string[];
}
