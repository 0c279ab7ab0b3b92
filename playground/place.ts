// Where the cursor stands in a spec: inside which blocks, and whether the word under it
// opens a statement. Read with the parser's own lexer (src/language/grammar/tokens.ts), so a string or
// a comment holding `{` opens nothing, exactly as the parser sees it.
import { Identifier, LCurly, lexer, Newline, RCurly, Semicolon } from '../src/language/grammar/tokens.ts';
import { scopeOf, type Scope } from './scopes.ts';

export interface Place {
  /** The scope of the innermost open block; null inside a block the language does not have. */
  scope: Scope | null;
  /** True when the word being typed is the first of its statement: a keyword goes there. */
  statementStart: boolean;
  /** The start offset of the word being typed (= the cursor when there is none). */
  from: number;
  word: string;
}

const WORD_BEFORE = /[A-Za-z_][A-Za-z0-9_]*$/;

export function placeAt(text: string, pos: number): Place {
  const before = text.slice(0, pos);
  const word = WORD_BEFORE.exec(before)?.[0] ?? '';
  const from = pos - word.length;
  const blocks: string[] = [];
  // The key of the statement being read, null between statements.
  let key: string | null = null;
  for (const token of lexer.tokenize(text.slice(0, from)).tokens) {
    const type = token.tokenType;
    if (type === Newline || type === Semicolon) key = null;
    else if (type === LCurly) {
      blocks.push(key ?? '');
      key = null;
    } else if (type === RCurly) {
      blocks.pop();
      key = null;
    } else if (key === null) key = type === Identifier ? token.image : '';
  }
  return { scope: scopeOf(blocks), statementStart: key === null, from, word };
}
