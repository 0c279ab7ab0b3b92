// The CstParser: grammar rules only. The grammar is deliberately generic (a statement is
// a name, some values and an optional block); what each keyword means and which values it
// takes is checked later, against src/keywords.ts, where a message can name the keyword.
//
//   file      = body EOF
//   body      = { Newline | ";" | statement }
//   statement = Identifier { value [","] } ( "{" body "}" | Newline | ";" | <before "}"> | EOF )
//   value     = Number | Dims | Identifier | String | "?"
import { CstParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import {
  allTokens,
  Comma,
  Dims,
  Identifier,
  LCurly,
  Newline,
  NumberLiteral,
  Question,
  RCurly,
  Semicolon,
  skipGrammarChecks,
  StringLiteral,
} from './tokens.ts';

/** How a token reads in a message: "end of file", "end of line", or the text in backticks. */
export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  if (token.tokenType === Newline) return 'end of line';
  return `\`${token.image}\``;
}

const label = (type: TokenType) => (type === EOF ? 'end of file' : type.LABEL ?? type.name);

// Messages that say what was expected and what was found, in the words of the language.
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    // Inside a block the parser wants a `}` only because what it found cannot start a statement.
    expected === RCurly && actual.tokenType !== EOF
      ? `expected a keyword or \`}\`, found ${describeToken(actual)}`
      : `expected ${label(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    firstRedundant.tokenType === RCurly
      ? 'found `}` without a matching `{`'
      : `expected a statement, found ${describeToken(firstRedundant)}`,
  // `actual` is the lookahead: the tokens from the one that no alternative accepts on.
  buildNoViableAltMessage: ({ actual, ruleName }) =>
    ruleName === 'statement'
      ? `expected a value, \`{\` or the end of the line, found ${describeToken(actual[0]!)}`
      : `unexpected ${describeToken(actual[0]!)}`,
  buildEarlyExitMessage: ({ actual }) => `unexpected ${describeToken(actual[0]! as IToken)}`,
};

export class UnetParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages, skipValidations: skipGrammarChecks });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.SUBRULE(this.body);
  });

  public body = this.RULE('body', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(Newline) },
        { ALT: () => this.CONSUME(Semicolon) },
        { ALT: () => this.SUBRULE(this.statement) },
      ]);
    });
  });

  public statement = this.RULE('statement', () => {
    this.CONSUME(Identifier, { LABEL: 'key' });
    this.MANY(() => {
      this.SUBRULE(this.value);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.OR([
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.CONSUME2(Newline) },
      { ALT: () => this.CONSUME2(Semicolon) },
      // The last statement of a block may end at its closing brace, or at the end of the file.
      { GATE: () => this.LA(1).tokenType === RCurly || this.LA(1).tokenType === EOF, ALT: () => {} },
    ]);
  });

  public block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.SUBRULE(this.body);
    this.CONSUME(RCurly);
  });

  public value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(Dims) },
      { ALT: () => this.CONSUME2(Identifier) },
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(Question) },
    ]);
  });
}

/** One shared instance: chevrotain parsers are reusable by resetting `input`. */
export const parser = new UnetParser();

export type { IToken };
