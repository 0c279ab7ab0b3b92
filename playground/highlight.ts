// Syntax highlighting of `.unet` text: a CodeMirror stream tokenizer that reads with the
// parser's own token patterns (src/language/grammar/tokens.ts, in their order) and colours a statement's
// first word as a keyword when the keyword table (via scopes.ts) knows it.
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import type { TokenType } from 'chevrotain';
import { allTokens, Comma, Comment, Dims, Identifier, LCurly, Newline, NumberLiteral, Question, RCurly, Semicolon, StringLiteral, WhiteSpace } from '../src/language/grammar/tokens.ts';
import { ALL_KEYWORDS } from './scopes.ts';

interface State {
  /** The first word of the statement on this line, once read. */
  key: string | null;
  /** Values read so far in this statement. */
  values: number;
}

// Highlight tags (names from @lezer/highlight) of the tokens that are not words.
const STYLE = new Map<TokenType, string>([
  [Comment, 'comment'],
  [StringLiteral, 'string'],
  [Dims, 'number'],
  [NumberLiteral, 'number'],
  [Question, 'atom'],
  [LCurly, 'brace'],
  [RCurly, 'brace'],
  [Semicolon, 'punctuation'],
  [Comma, 'punctuation'],
]);

// Whitespace is eaten by the stream and a line never holds a newline.
const PATTERNS = allTokens
  .filter((t) => t !== WhiteSpace && t !== Newline)
  .map((type) => ({ type, pattern: new RegExp(`^(?:${(type.PATTERN as RegExp).source})`) }));

// Words that join the parts of a `unet` statement: `unet A extends B from "b.unet"`.
const CLAUSES = new Set(['extends', 'from']);

function styleOfWord(word: string, state: State): string {
  if (state.key === null) {
    state.key = word;
    return ALL_KEYWORDS.has(word) ? 'keyword' : 'variableName';
  }
  state.values++;
  if (state.key === 'unet') return CLAUSES.has(word) ? 'keyword' : state.values === 1 ? 'variableName.definition' : 'typeName';
  return 'atom';
}

export const unetStreamParser: StreamParser<State> = {
  name: 'unet',
  startState: () => ({ key: null, values: 0 }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    // A statement ends at the end of its line.
    if (stream.sol()) Object.assign(state, { key: null, values: 0 });
    if (stream.eatSpace()) return null;
    for (const { type, pattern } of PATTERNS) {
      const match = stream.match(pattern) as RegExpMatchArray | null;
      if (!match) continue;
      if (type === Identifier) return styleOfWord(match[0], state);
      // `;` and braces end or open statements, so the next word is a key again.
      if (type === Semicolon || type === LCurly || type === RCurly) Object.assign(state, { key: null, values: 0 });
      else if (type !== Comment && type !== Comma) state.values++;
      return STYLE.get(type) ?? null;
    }
    // A character the language does not have (the lexer reports it too).
    stream.next();
    return 'invalid';
  },
  languageData: { commentTokens: { line: '#' }, closeBrackets: { brackets: ['{', '"'] } },
};

export const unetLanguage = StreamLanguage.define(unetStreamParser);
