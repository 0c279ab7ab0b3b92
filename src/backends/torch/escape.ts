// Every string of the user's (a spec path, a network name, class labels, metadata) reaches
// the generated package only through these functions, one per place it can land: a Python
// string literal, a Python comment, Markdown text. A file name may hold a newline, quotes or
// backslashes (`$'x\nimport os; os.system("id")\n#.unet'` is a legal name), and written raw
// into a `#` comment it would become code that runs on `import model`.

/**
 * The characters of `text`, printable ASCII kept, everything else as a Python escape:
 * `\n`, `\\`, `\xNN`, `\uNNNN`, `\UNNNNNNNN` (code points, never surrogate pairs, which
 * Python would read as two characters). The result is ASCII, so no encoding or line
 * break outside ASCII (U+2028, U+0085, a form feed) can reach the source either.
 */
function escapeCharacters(text: string, quote: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/** A Python string literal whose value is exactly `text`. */
export function pyString(text: string): string {
  return `"${escapeCharacters(text, '"')}"`;
}

/** Text for a `#` comment: one line whatever `text` holds (escaped as in a literal, so it stays readable). */
export function pyComment(text: string): string {
  return escapeCharacters(text, '');
}

/** Inline Markdown code showing `text` on one line: escaped like a Python literal, backticks included. */
export function markdownCode(text: string): string {
  return `\`${escapeCharacters(text, '').replace(/`/g, '\\x60')}\``;
}
