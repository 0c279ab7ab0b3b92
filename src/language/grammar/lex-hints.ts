// What to say about a character the lexer does not accept, when it is a habit from another
// language or an editor: `//` and `/* */` comments, typographic quotes, single quotes, and
// invisible characters (no-break space, zero-width space) that look like a space or nothing.

/** Characters that render as a space or as nothing, with their Unicode names. */
const INVISIBLE: Record<string, string> = {
  '\u00A0': 'NO-BREAK SPACE',
  '\u1680': 'OGHAM SPACE MARK',
  '\u2000': 'EN QUAD',
  '\u2001': 'EM QUAD',
  '\u2002': 'EN SPACE',
  '\u2003': 'EM SPACE',
  '\u2004': 'THREE-PER-EM SPACE',
  '\u2005': 'FOUR-PER-EM SPACE',
  '\u2006': 'SIX-PER-EM SPACE',
  '\u2007': 'FIGURE SPACE',
  '\u2008': 'PUNCTUATION SPACE',
  '\u2009': 'THIN SPACE',
  '\u200A': 'HAIR SPACE',
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u2028': 'LINE SEPARATOR',
  '\u2029': 'PARAGRAPH SEPARATOR',
  '\u202F': 'NARROW NO-BREAK SPACE',
  '\u205F': 'MEDIUM MATHEMATICAL SPACE',
  '\u2060': 'WORD JOINER',
  '\u3000': 'IDEOGRAPHIC SPACE',
  '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
};

const TYPOGRAPHIC_QUOTES = '\u201C\u201D\u201E\u201F\u2018\u2019\u201A\u201B\u00AB\u00BB\u2039\u203A\u300C\u300D';

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** How an unexpected character reads in a message: itself in backticks, or its code point when it is invisible or not ASCII. */
export function describeCharacter(ch: string): string {
  if (INVISIBLE[ch]) return `${codePoint(ch)} (${INVISIBLE[ch]!.toLowerCase()})`;
  return ch.codePointAt(0)! > 0x7e ? `\`${ch}\` (${codePoint(ch)})` : `\`${ch}\``;
}

/** A hint for the unexpected text starting at `rest`, or undefined when nothing better than the message can be said. */
export function lexHint(rest: string): string | undefined {
  const ch = String.fromCodePoint(rest.codePointAt(0)!);
  if (rest.startsWith('//') || rest.startsWith('/*')) return 'comments start with `#` and run to the end of the line (there are no `//` or `/* */` comments)';
  if (INVISIBLE[ch]) return ch === '\u00A0' || /\s/.test(ch) ? 'an invisible character that looks like a space: replace it with a plain space' : 'an invisible character: delete it';
  if (TYPOGRAPHIC_QUOTES.includes(ch)) return 'strings are written in straight double quotes: "name" (an editor or word processor replaced them with typographic ones)';
  if (ch === "'") return 'strings are written in double quotes: "name"';
  return undefined;
}
