// The front end's fuzz property, shared by test/language/fuzz.test.ts (a few hundred cases
// in `npm test`) and bench/fuzz-frontend.ts (long runs): every spec in specs/, mutated by
// token deletions, duplications and swaps, random text and bytes, deep nesting and long
// lines, compiles without throwing, in bounded time, to either a valid IR or located errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseSource } from '../../src/language/grammar/index.ts';
import { compileSource } from '../../src/language/compile.ts';
import { hasErrors, type Diagnostic } from '../../src/language/diagnostics.ts';
import { validateModel } from '../../src/language/ir/validate.ts';
import { printSource } from '../../src/language/printer.ts';
import { MAX_SPEC_BYTES } from '../../src/node/read-spec.ts';

/** A case slower than this counts as a hang (generous: a 1 MiB spec takes about 1 s here, and the machines are shared). */
export const CASE_LIMIT_MS = 5000;

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? specFiles(join(dir, e.name)) : e.name.endsWith('.unet') ? [join(dir, e.name)] : []));
}

/** Every reference spec, by path (kept, so `extends ... from` still finds its base). */
export const SPECS = specFiles('specs')
  .sort()
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

/** Words, strings, punctuation and runs of white space: what a mutation moves around. */
const pieces = (text: string) => text.match(/\s+|"[^"\n]*"|[{}();,#]|[^\s{}();,#"]+|"/g) ?? [];

type Mutation =
  | { kind: 'delete' | 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'nest'; at: number; depth: number; open: string }
  | { kind: 'repeat'; at: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      // Raw bytes as a file would hold them, decoded leniently.
      fc.uint8Array({ maxLength: 8 }).map((b) => new TextDecoder().decode(b)),
      fc.constantFrom('{', '}', '"', ',', ';', '?', '#', 'x', '\t', '\r', '\n', '\uFEFF', '\u00A0', '\u200B', '\u201C', "'", '//', '/*', '-', '.', 'e9', '1e999', '99999', '0x', 'unet', 'level', 'extends', 'from', 'import'),
    ),
  }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 2000 }), open: fc.constantFrom('{', 'level 1 {', 'a {', 'train {', 'encoder { level 2 {') }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 5000 }) }),
);

/** The text with the mutation, or without it where it would pass the reader's cap (such a file is refused unread, see read-spec.test.ts). */
function apply(text: string, m: Mutation): string {
  const mutated = mutate(text, m);
  return Buffer.byteLength(mutated) > MAX_SPEC_BYTES ? text : mutated;
}

function mutate(text: string, m: Mutation): string {
  const p = pieces(text);
  if (p.length === 0) return m.kind === 'insert' ? m.text : text;
  const i = m.at % p.length;
  switch (m.kind) {
    case 'delete':
      p.splice(i, 1);
      break;
    case 'duplicate':
      p.splice(i, 0, p[i]!);
      break;
    case 'swap': {
      const j = m.with % p.length;
      [p[i], p[j]] = [p[j]!, p[i]!];
      break;
    }
    case 'insert':
      p.splice(i, 0, m.text);
      break;
    case 'nest':
      p.splice(i, 0, `${m.open}\n`.repeat(m.depth), '}'.repeat(m.depth));
      break;
    case 'repeat':
      p.splice(i, 0, ...Array<string>(m.times).fill(`${p[i]!} `));
      break;
  }
  return p.join('');
}

export const mutatedSpec = fc
  .record({ spec: fc.constantFrom(...SPECS), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ spec, mutations }) => ({ path: spec.path, text: mutations.reduce(apply, spec.text) }));

/** A diagnostic that points into the text of its file (the end of a line or of the file counts). */
function located(d: Diagnostic, sources: ReadonlyMap<string, string>): string | null {
  const text = sources.get(d.file);
  if (text === undefined) return `${d.file} is not among the files read`;
  const lines = text.split(/\r?\n/);
  if (!(d.line >= 1 && d.line <= lines.length)) return `line ${d.line} outside 1..${lines.length}`;
  if (!(d.column >= 1 && d.column <= lines[d.line - 1]!.length + 1)) return `column ${d.column} outside line ${d.line} (${lines[d.line - 1]!.length} characters)`;
  if (d.endLine * 1e7 + d.endColumn < d.line * 1e7 + d.column) return `ends (${d.endLine}:${d.endColumn}) before it starts`;
  return null;
}

/** Throws (with the reason) unless compiling `text` as `path` ends in a valid IR or in located errors, in time. */
export function checkFrontEnd(path: string, text: string): void {
  const start = performance.now();
  const result = compileSource(text, path);
  const parsed = parseSource(text, path);
  // A file without syntax errors prints (unet fmt) to a file that parses the same way.
  if (parsed.diagnostics.length === 0) {
    const again = parseSource(printSource(parsed.ast), path);
    if (again.diagnostics.length > 0) throw new Error(`unet fmt output does not parse: ${again.diagnostics[0]!.message}`);
  }
  const ms = performance.now() - start;
  if (ms > CASE_LIMIT_MS) throw new Error(`took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS})`);
  if (result.model) {
    validateModel(result.model);
    return;
  }
  if (!hasErrors(result.diagnostics)) throw new Error('no model and no error');
  for (const d of result.diagnostics) {
    const problem = located(d, result.sources);
    if (problem) throw new Error(`diagnostic "${d.message}" at ${d.file}:${d.line}:${d.column}: ${problem}`);
  }
}
