// The canonical form of a .unet file (`unet fmt`): one statement per line, two-space
// indentation, sizes written "3x3" (the input "C x H x W"), comments kept. Within a run of
// one-line statements (no blank line or multi-line block between them) the values start in
// one column and the trailing comments in another, as in a table; a blank line of the
// source (one at most) is kept, and one is added before a multi-line block.
// Parsing the printed text gives the same statements (test/language/printer.test.ts).
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
    const listed = prev && prev.kind === v.kind && (v.kind === 'number' || v.kind === 'string');
    if (listed) out[out.length - 1] += ',';
    out.push(printValue(v, s.key));
  });
  return out.join(' ');
}

/** A block written on one line: `level 4 { dropout 0.5 }`. */
function isInline(s: Statement): boolean {
  const only = s.block?.length === 1 ? s.block[0]! : null;
  return !!only && !only.block && !only.comments.length && !only.trailingComment && !s.endComments.length && s.key !== 'unet';
}

/** The text after the key of a one-line statement. */
function rest(s: Statement): string {
  const values = printValues(s);
  if (!isInline(s)) return values;
  const inner = s.block![0]!;
  return [values, `{ ${[inner.key, printValues(inner)].filter(Boolean).join(' ')} }`].filter(Boolean).join(' ');
}

/** Splits statements into runs printed as tables; a blank line goes before each run but the first. */
function runs(statements: Statement[]): Statement[][] {
  const out: Statement[][] = [];
  statements.forEach((s, i) => {
    const prev = statements[i - 1];
    const multiLine = (x: Statement) => !!x.block && !isInline(x);
    const blankInSource = prev !== undefined && s.leadLine - prev.span.endLine > 1;
    if (!prev || blankInSource || multiLine(s) || multiLine(prev)) out.push([s]);
    else out.at(-1)!.push(s);
  });
  return out;
}

function printStatements(statements: Statement[], indent: string, lines: string[]): void {
  runs(statements).forEach((run, r) => {
    if (r > 0) lines.push('');
    const keyWidth = Math.max(...run.map((s) => (rest(s) ? s.key.length : 0)));
    const heads = run.map((s) => {
      const tail = rest(s);
      return tail ? `${s.key.padEnd(keyWidth)} ${tail}` : s.key;
    });
    const commentColumn = Math.max(0, ...run.map((s, i) => (s.trailingComment !== null ? heads[i]!.length : 0))) + 2;
    run.forEach((s, i) => {
      for (const c of s.comments) lines.push(`${indent}# ${c}`.trimEnd());
      const trailing = s.trailingComment !== null ? `${' '.repeat(commentColumn - heads[i]!.length)}# ${s.trailingComment}`.trimEnd() : '';
      if (!s.block || isInline(s)) {
        lines.push(`${indent}${heads[i]}${trailing}`);
        return;
      }
      lines.push(`${indent}${heads[i]} {${trailing}`);
      printStatements(s.block, indent + '  ', lines);
      for (const c of s.endComments) lines.push(`${indent}  # ${c}`.trimEnd());
      lines.push(`${indent}}`);
    });
  });
}

export function printSource(source: SourceFile): string {
  const lines: string[] = [];
  printStatements(source.statements, '', lines);
  if (source.endComments.length) lines.push('', ...source.endComments.map((c) => `# ${c}`.trimEnd()));
  return lines.join('\n') + '\n';
}
