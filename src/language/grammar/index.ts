// Text -> tokens -> CST -> AST, collecting every lexing and syntax error as a diagnostic.
import type { IToken } from 'chevrotain';
import type { SourceFile } from '../ast.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import { describeCharacter, lexHint } from './lex-hints.ts';
import { parser } from './parser.ts';
import { toAst, tokenSpan } from './to-ast.ts';
import { lexer, MisquotedString } from './tokens.ts';

export interface ParseResult {
  ast: SourceFile;
  diagnostics: Diagnostic[];
}

/** The position just after the last character: where "end of file" errors point. */
function endOfText(file: string, text: string) {
  const lines = text.split(/\r?\n/);
  const line = text.endsWith('\n') ? lines.length - 1 : lines.length;
  const column = (lines[line - 1] ?? '').length + 1;
  return { file, line: Math.max(1, line), column, endLine: Math.max(1, line), endColumn: column + 1 };
}

/** A byte-order mark that some Windows editors save at the start of a file is not part of the text. */
export const withoutByteOrderMark = (text: string) => (text.startsWith('\uFEFF') ? text.slice(1) : text);

export function parseSource(source: string, file: string): ParseResult {
  const text = withoutByteOrderMark(source);
  const diagnostics: Diagnostic[] = [];
  const lexed = lexer.tokenize(text);
  for (const e of lexed.errors) {
    const char = text.slice(e.offset, e.offset + e.length);
    const span = { file, line: e.line ?? 1, column: e.column ?? 1, endLine: e.line ?? 1, endColumn: (e.column ?? 1) + e.length };
    if (char.startsWith('"')) {
      const rest = text.slice(e.offset).split(/\r?\n/)[0]!;
      diagnostics.push(error('lex', `unterminated string \`${rest}\``, { ...span, endColumn: span.column + rest.length }, 'add the closing `"`: a string must end on the line it starts'));
    } else {
      // Several bad characters in a row are one error; name the first (a whole code point).
      const first = String.fromCodePoint(char.codePointAt(0)!);
      diagnostics.push(error('lex', `unexpected character ${describeCharacter(first)}`, span, lexHint(text.slice(e.offset))));
    }
  }
  for (const t of (lexed.groups['foreign'] ?? []) as IToken[])
    diagnostics.push(error('lex', `\`${t.image.slice(0, 2)}\` does not start a comment`, tokenSpan(file, t), lexHint(t.image)));
  for (const t of lexed.tokens.filter((t) => t.tokenType === MisquotedString))
    diagnostics.push(error('lex', `a string in ${t.image.startsWith("'") ? 'single' : 'typographic'} quotes: ${t.image}`, tokenSpan(file, t), lexHint(t.image)));
  const tooDeep = firstTooDeep(lexed.tokens);
  if (tooDeep) {
    // The parser recurses once per block: refuse before it runs out of stack.
    diagnostics.push(error('syntax', `blocks nested more than ${MAX_NESTING} deep`, tokenSpan(file, tooDeep), 'a spec nests a few blocks at most (unet { encoder { level N { } } }): close the blocks you opened'));
    return { ast: { file, text, statements: [], endComments: [] }, diagnostics };
  }
  parser.input = lexed.tokens;
  const cst = parser.file();
  for (const e of parser.errors) {
    const token: IToken = e.token;
    const span = Number.isNaN(token.startOffset) ? endOfText(file, text) : tokenSpan(file, token);
    diagnostics.push(error('syntax', e.message, span, syntaxHint(e.message, lexed.tokens)));
  }
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  return { ast: toAst(cst, file, text, comments), diagnostics };
}

/** Far above what a spec needs (4: unet, encoder, level, and a spare), far below a stack overflow. */
export const MAX_NESTING = 32;

function firstTooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    if (t.image === '{' && ++depth > MAX_NESTING) return t;
    if (t.image === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

function syntaxHint(message: string, tokens: IToken[]): string | undefined {
  if (message === 'expected `}`, found end of file') {
    const line = unclosedBlockLine(tokens);
    return `every \`{\` needs a matching \`}\`${line ? `; the block opened on line ${line} is not closed` : ''}`;
  }
  if (message.startsWith('expected a keyword or `}`')) return 'a block holds statements, each starting with a keyword';
  if (message.includes('without a matching `{`')) return 'remove the extra `}` or open the block with `{`';
  if (message.endsWith('found `,`')) return 'a comma goes between two values: remove the extra `,` or write the missing value';
  return undefined;
}

/**
 * The line of the `{` that most likely lacks its `}`: the first whose matching `}` is not
 * indented like the line that opened it (`}` is matched to the nearest open `{`), else the
 * outermost `{` left open at the end of the file.
 */
function unclosedBlockLine(tokens: IToken[]): number | undefined {
  const indent = (line: number) => tokens.find((t) => t.startLine === line)?.startColumn;
  const open: IToken[] = [];
  for (const [i, t] of tokens.entries()) {
    if (t.image === '{') open.push(t);
    else if (t.image === '}') {
      const opener = open.pop();
      const firstOnLine = tokens[i - 1]?.startLine !== t.startLine;
      if (opener && firstOnLine && t.startColumn !== indent(opener.startLine!)) return opener.startLine;
    }
  }
  return open[0]?.startLine;
}
