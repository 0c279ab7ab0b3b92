// The GitHub Pages workflow (.github/workflows/pages.yml) is not run by this repository's CI,
// so its commands are checked here: every `npm run X` it runs is a script of package.json,
// and what it uploads is the folder build:site writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const workflow = readFileSync(join(REPO, '.github/workflows/pages.yml'), 'utf8');
const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('.github/workflows/pages.yml', () => {
  it('builds the site with npm scripts of package.json and uploads the folder build:site writes', () => {
    const runs = [...workflow.matchAll(/^\s*-?\s*run:\s*(.+)$/gm)].map((m) => m[1]!);
    const npmRuns = runs.flatMap((line) => [...line.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(npmRuns).toContain('build:site');
    for (const name of npmRuns) expect(Object.keys(scripts), `npm run ${name}`).toContain(name);
    const out = /serve --out (\S+)/.exec(scripts['build:site']!)?.[1];
    expect(workflow).toMatch(new RegExp(`upload-pages-artifact@v\\d+\\s*\\n\\s*with: \\{ path: ${out} \\}`));
  });

  it('is the file docs/playground.md points to, not a copy of it', () => {
    const docs = readFileSync(join(REPO, 'docs/playground.md'), 'utf8');
    expect(docs).toContain('.github/workflows/pages.yml');
    expect(docs).not.toContain('upload-pages-artifact');
  });
});
