// The tokens of the .unet language, in one ordered list: chevrotain tries them in order,
// so the order below matters where two patterns can match at the same place.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t]+/, group: Lexer.SKIPPED });
// Comments are kept (not skipped) in their own group so `unet fmt` can print them back.
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
// Statements end at a newline (or `;`), so newlines are real tokens.
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
export const LCurly = createToken({ name: 'LCurly', pattern: /{/, label: '`{`' });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/, label: '`}`' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: '`;`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"[^"\r\n]*"/, label: 'a string' });
// Habits from other languages and editors, lexed whole so each is one error with a hint
// (src/language/grammar/index.ts) instead of a run of unexpected characters and follow-on errors.
// `// ...` and `/* ... */` go to their own group, out of the parser's way; a string in
// typographic or single quotes is a string to the parser, so the statement still reads.
export const ForeignComment = createToken({ name: 'ForeignComment', pattern: /\/\/[^\r\n]*|\/\*[^]*?\*\//, group: 'foreign', line_breaks: true });
export const MisquotedString = createToken({
  name: 'MisquotedString',
  pattern: /[\u201C\u201D\u201E\u2018\u2019\u201A'][^"\u201C\u201D\u201E\u2018\u2019\u201A'\r\n]*[\u201C\u201D\u2018\u2019']/,
  categories: [StringLiteral],
  label: 'a string',
});
// Before Number: "3x3", "1 x 572 x 572" and "3 x ? x ?" are one token, not a number
// followed by the identifier "x3".
export const Dims = createToken({
  name: 'Dims',
  pattern: /(?:\d+|\?)(?:[ \t]*x[ \t]*(?:\d+|\?))+(?![A-Za-z0-9_])/,
  label: 'a size such as 3x3',
});
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });
// Before Number: "20m", "1h30m" (the train section's `time`) are one word, not a number
// followed by the identifier "m"; a kind of Identifier, so the parser takes it as a name.
export const Duration = createToken({
  name: 'Duration',
  pattern: /(?:\d+(?:\.\d+)?[hms])+(?![A-Za-z0-9_])/,
  label: 'a duration such as 20m',
  categories: [Identifier],
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/,
  label: 'a number',
});
export const Question = createToken({ name: 'Question', pattern: /\?/, label: '`?`' });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Newline,
  LCurly,
  RCurly,
  Semicolon,
  Comma,
  ForeignComment,
  StringLiteral,
  MisquotedString,
  Dims,
  Duration,
  NumberLiteral,
  Question,
  Identifier,
];

/**
 * Chevrotain's own checks of the grammar and tokens (ambiguities, left recursion, bad
 * patterns) run where the grammar is edited: from the .ts sources (tests, tsx). The compiled
 * package skips them, as chevrotain's docs advise (IParserConfig.skipValidations): they are
 * most of the parser's construction, paid at every `unet check`.
 */
export const skipGrammarChecks = !import.meta.url.endsWith('.ts');

export const lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false, skipValidations: skipGrammarChecks });
