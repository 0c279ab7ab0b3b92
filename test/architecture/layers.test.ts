// Imports go one way: language <- data <- metrics <- backends (siblings) <- app <- cli.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENTRIES, LAYERS, layerOf, nodeReachedFrom, specifiers, violations } from './layers.ts';

const REPO = join(import.meta.dirname, '../..');

function sourcesOfRepository(): Map<string, string> {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js', '*.mjs'], { cwd: REPO, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !file.endsWith('.as.ts'));
  return new Map(files.map((file) => [file, readFileSync(join(REPO, file), 'utf8')]));
}

describe('import directions', () => {
  it('every import of the repository follows the layer table', () => {
    expect(violations(sourcesOfRepository())).toEqual([]);
  });

  it('every source file under src/ belongs to a layer', () => {
    const orphans = [...sourcesOfRepository().keys()].filter((file) => file.startsWith('src/') && !layerOf(file));
    expect(orphans).toEqual([]);
  });

  it('fails on a backwards import, a backend importing another, an inverted pair of folders, and Node in a browser-safe layer', () => {
    const files = new Map([
      ['src/language/shapes/x.ts', "import { run } from '../../app/train/session.ts';\n"],
      ['src/backends/onnx/y.ts', "import type { Layer } from '../tfjs/lower.ts';\n"],
      ['src/metrics/z.ts', "import { readFileSync } from 'node:fs';\nimport 'path';\n"],
      ['src/language/ir/lower.ts', "import { inferModel } from '../shapes/infer.ts';\n"],
      ['src/app/fine.ts', "import { compileSource } from '../language/compile.ts';\nimport { readFileSync } from 'node:fs';\n"],
    ]);
    expect(violations(files)).toEqual([
      'src/language/shapes/x.ts -> ../../app/train/session.ts: language may not import app',
      'src/backends/onnx/y.ts -> ../tfjs/lower.ts: onnx may not import tfjs',
      'src/metrics/z.ts -> node:fs: metrics is browser-safe, no Node built-ins',
      'src/metrics/z.ts -> path: metrics is browser-safe, no Node built-ins',
      'src/language/ir/lower.ts -> ../shapes/infer.ts: src/language/ir is below src/language/shapes',
    ]);
  });

  it('sees dynamic imports and the code a `new URL()` loads', () => {
    const source = "const m = await import('../tfjs/build.ts');\nconst u = new URL('./kernels/index.ts', import.meta.url);\nexport { a } from './a.ts';";
    expect(specifiers(source).sort()).toEqual(['../tfjs/build.ts', './a.ts', './kernels/index.ts']);
  });

  it.each(BROWSER_ENTRIES)('%s reaches no Node built-in, however indirectly', (entry) => {
    const files = sourcesOfRepository();
    expect(files.has(entry)).toBe(true);
    expect(nodeReachedFrom(entry, files)).toEqual([]);
  });

  it('follows imports across files to find a Node built-in', () => {
    const files = new Map([
      ['a.ts', "import { b } from './lib/b.ts';\n"],
      ['lib/b.ts', "export { c } from '../c.ts';\n"],
      ['c.ts', "import { readFileSync } from 'node:fs';\n"],
    ]);
    expect(nodeReachedFrom('a.ts', files)).toEqual(['a.ts -> lib/b.ts -> c.ts: node:fs']);
  });

  it('finds a Node global used bare, but not one asked of globalThis or named in a comment', () => {
    const files = new Map([
      ['a.ts', "import { b } from './b.ts';\n"],
      ['b.ts', "// process.env is read below\nconst w = process.env.X !== '0';\nconst ok = (globalThis as { process?: P }).process?.env.Y;\n"],
    ]);
    expect(nodeReachedFrom('a.ts', files)).toEqual(['a.ts -> b.ts: the Node global process']);
  });

  it('lists each layer once', () => {
    expect(new Set(LAYERS.map((layer) => layer.name)).size).toBe(LAYERS.length);
  });
});
