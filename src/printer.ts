// The canonical form of a .unet file (`unet fmt`): one statement per line, two-space
// indentation, single spaces, sizes written "3x3" (the input "C x H x W"), comments kept.
// Parsing the printed text gives the same statements (test/printer.test.ts).
import type { SourceFile, Statement, Value } from './ast.ts';

function printValue(v: Value, key: string): string {
  switch (v.kind) {
    case 'dims': {
      const parts = v.value.map((n) => (n === null ? '?' : String(n)));
      return parts.join(key === 'input' ? ' x ' : 'x');
    }
    case 'string':
      return `"${v.value}"`;
    default:
      return v.text;
  }
}

/** Lists of numbers or names are separated by commas, as in `filters 512, 256`. */
function printValues(s: Statement): string {
  const out: string[] = [];
  s.values.forEach((v, i) => {
    const prev = s.values[i - 1];
    const listed = prev && prev.kind === v.kind && (v.kind === 'number' || v.kind === 'string') && prev.kind === v.kind;
    if (listed) out[out.length - 1] += ',';
    out.push(printValue(v, s.key));
  });
  return out.join(' ');
}

function printStatements(statements: Statement[], indent: string, lines: string[]): void {
  statements.forEach((s, i) => {
    const simple = !!s.block && s.block.length === 1 && !s.block[0]!.block && !s.block[0]!.comments.length && !s.block[0]!.trailingComment && !s.endComments.length && s.key !== 'unet';
    // A blank line before a comment block or a multi-line block keeps sections readable.
    if (i > 0 && (s.comments.length > 0 || (s.block && !simple))) lines.push('');
    for (const c of s.comments) lines.push(`${indent}# ${c}`.trimEnd());
    const head = [s.key, printValues(s)].filter(Boolean).join(' ');
    const trailing = s.trailingComment ? `  # ${s.trailingComment}` : '';
    if (!s.block) {
      lines.push(`${indent}${head}${trailing}`);
      return;
    }
    if (simple) {
      lines.push(`${indent}${head} { ${s.block[0]!.key} ${printValues(s.block[0]!)} }${trailing}`.replace(/ +}/, ' }'));
      return;
    }
    lines.push(`${indent}${head} {${trailing}`);
    printStatements(s.block, indent + '  ', lines);
    for (const c of s.endComments) lines.push(`${indent}  # ${c}`.trimEnd());
    lines.push(`${indent}}`);
  });
}

export function printSource(source: SourceFile): string {
  const lines: string[] = [];
  printStatements(source.statements, '', lines);
  if (source.endComments.length) lines.push('', ...source.endComments.map((c) => `# ${c}`.trimEnd()));
  return lines.join('\n') + '\n';
}
