// Broken specs in, formatted diagnostics out: test/fixtures/broken/*.unet against the golden
// file expected.txt (regenerate with UPDATE_GOLDEN=1 npx vitest run test/language/diagnostics
// and read the difference as a user would).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileFile } from '../../src/node/compile-file.ts';
import { formatDiagnostics, type Diagnostic } from '../../src/language/diagnostics.ts';

const DIR = 'test/fixtures/broken';
const GOLDEN = join(DIR, 'expected.txt');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.unet')).sort();

function check(file: string): { diagnostics: Diagnostic[]; text: string } {
  const { model, diagnostics, sources } = compileFile(join(DIR, file));
  expect(model, `${file} should not compile`).toBeNull();
  return { diagnostics, text: formatDiagnostics(diagnostics, sources) };
}

const golden = () => FILES.map((f) => `=== ${f}\n${check(f).text}\n`).join('\n');

test('there are enough broken specs', () => {
  expect(FILES.length).toBeGreaterThanOrEqual(24);
});

test('the formatted diagnostics match expected.txt', () => {
  const actual = golden();
  if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, actual);
  expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
});

describe('every diagnostic', () => {
  for (const file of FILES)
    test(file, () => {
      const { diagnostics } = check(file);
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
      for (const d of diagnostics) {
        expect(d.line, d.message).toBeGreaterThanOrEqual(1);
        expect(d.column, d.message).toBeGreaterThanOrEqual(1);
        expect(d.endLine * 10_000 + d.endColumn, d.message).toBeGreaterThan(d.line * 10_000 + d.column - 1);
      }
      // One diagnostic per problem: no message twice at the same place.
      const keys = diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
      expect(keys).toEqual([...new Set(keys)]);
    });
});

test('a file with many problems reports every one of them', () => {
  const { diagnostics } = check('all-errors.unet');
  expect(diagnostics.map((d) => d.line)).toEqual([4, 5, 6, 7, 8, 9, 11, 12]);
  expect(diagnostics.map((d) => d.code)).not.toContain('missing'); // `output` is there, only wrong
});

test.each([
  ['unknown-keyword.unet', 'did you mean `filters`?'],
  ['unknown-keyword-upsample.unet', 'did you mean `up`?'],
  ['wrong-section.unet', '`loss` belongs in a `train { }` block'],
  ['output-classez.unet', 'did you mean `classes`?'],
  ['extends-unknown-base.unet', 'did you mean `Milesial`?'],
  ['illegal-input-size.unet', 'the nearest legal sizes are 556 and 572'],
])('%s hints %s', (file, hint) => {
  expect(check(file).diagnostics.map((d) => d.hint)).toContain(hint);
});
