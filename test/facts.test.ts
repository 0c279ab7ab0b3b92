// Every fact the code relies on is in docs/facts.md: each citation `docs/facts.md#section`
// (or `facts.md#section` inside docs/) names a section that exists, and nothing cites the
// facts file of the development machines, which is outside the repository.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const FOLDERS = ['src', 'test', 'bench', 'playground', 'scripts', 'docs', 'bin'];
const TEXT = /\.(ts|js|md|py|json)$/;

function files(): string[] {
  const top = ['README.md'];
  const nested = FOLDERS.flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((f) => TEXT.test(f) && !f.includes('node_modules'))
      .map((f) => join(folder, f)),
  );
  // This file names the pattern it looks for.
  return [...top, ...nested].filter((f) => f !== join('test', 'facts.test.ts'));
}

/** GitHub's anchor of a markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) => heading.toLowerCase().replace(/[^\w\- ]/g, '').replaceAll(' ', '-');

const sections = new Set(
  readFileSync('docs/facts.md', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => anchor(line.slice(3))),
);

test('every citation of docs/facts.md names one of its sections', () => {
  const citations = files().flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/facts\.md#([\w-]+)/g)].map((m) => ({ file, section: m[1]! })),
  );
  expect(citations.length).toBeGreaterThan(40);
  const broken = citations.filter((c) => !sections.has(c.section)).map((c) => `${c.file}: #${c.section}`);
  expect(broken, `sections of docs/facts.md: ${[...sections].join(', ')}`).toEqual([]);
});

// The name is spelled in two parts so that this test does not cite what it looks for.
const OUTSIDE_FACTS = new RegExp(`\\b${'FAC'}TS\\b`);

test('nothing cites a facts file outside the repository', () => {
  const outside = files().filter((file) => OUTSIDE_FACTS.test(readFileSync(file, 'utf8')));
  expect(outside).toEqual([]);
});
