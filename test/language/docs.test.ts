// docs/language.md documents every keyword: its keyword tables are generated from
// src/language/spec/keywords.ts (regenerate with UPDATE_GOLDEN=1 npx vitest run test/language/docs),
// and its examples compile.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { compileSource } from '../../src/language/compile.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import { augmentKeywords, sections, stageKeywords, trainKeywords, unetKeywords, type Keyword } from '../../src/language/spec/keywords.ts';

const DOC = 'docs/language.md';

const TABLES: Record<string, Record<string, Keyword<never>>> = {
  unet: unetKeywords,
  stage: stageKeywords,
  train: trainKeywords,
  augment: augmentKeywords,
};

/** Inside a table cell a `|` must be escaped, even in code. */
const cell = (s: string) => s.replaceAll('|', '\\|');

function table(keywords: Record<string, Keyword<never>>): string {
  const rows = Object.entries(keywords).map(([name, k]) => `| \`${name}\` | \`${cell(k.syntax)}\` | ${cell(k.doc)} |`);
  return ['| keyword | syntax | meaning (default) |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The doc with each `<!-- keywords: X -->` ... `<!-- end keywords -->` region regenerated. */
function regenerate(doc: string): string {
  return doc.replace(/(<!-- keywords: (\w+) -->\n)[\s\S]*?(\n<!-- end keywords -->)/g, (_, open: string, name: string, close: string) => {
    const keywords = TABLES[name];
    if (!keywords) throw new Error(`${DOC}: no keyword table named ${name}`);
    return `${open}${table(keywords)}${close}`;
  });
}

test('the keyword tables are generated from src/language/spec/keywords.ts', () => {
  const doc = readFileSync(DOC, 'utf8');
  for (const name of Object.keys(TABLES)) expect(doc).toContain(`<!-- keywords: ${name} -->`);
  const updated = regenerate(doc);
  if (process.env['UPDATE_GOLDEN']) writeFileSync(DOC, updated);
  expect(doc).toBe(updated);
});

test('every keyword and section appears in the doc', () => {
  const doc = readFileSync(DOC, 'utf8');
  const all = [...Object.values(TABLES).flatMap((t) => Object.keys(t)), ...Object.values(sections).flat(), 'unet', 'import', 'extends', 'from'];
  expect(all.filter((k) => !doc.includes(`\`${k}`))).toEqual([]);
});

test('the examples in the doc compile', () => {
  const doc = readFileSync(DOC, 'utf8');
  const examples = [...doc.matchAll(/```unet\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(examples.length).toBeGreaterThan(2);
  // An example may extend the paper's network, as specs/ablations do.
  const read = (path: string) => (path.endsWith('ronneberger2015.unet') ? { text: readFileSync('specs/ronneberger2015.unet', 'utf8') } : { error: 'is not one of the specs the examples use' });
  for (const text of examples.filter((t) => /^unet /m.test(t))) {
    const { model, diagnostics, sources } = compileSource(text, 'docs/example.unet', { read });
    expect(formatDiagnostics(diagnostics.filter((d) => d.severity === 'error'), sources), text).toBe('');
    expect(model).not.toBeNull();
  }
});
