// The bundled CLI (scripts/bundle-cli.mjs, part of `npm run build`): what each quick command
// loads, and that the files found through import.meta.url are still found from the chunks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, no types
import { bundleCli, distUrlExpression } from '../../scripts/bundle-cli.mjs';

const REPO = join(import.meta.dirname, '../..');
const DIST = join(REPO, 'dist');

interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}

describe('distUrlExpression', () => {
  it("gives a bundled source's import.meta.url as its compiled twin under dist/, from any chunk folder", () => {
    const source = join(REPO, 'src/backends/torch/emit.ts');
    const outdir = join(REPO, 'dist/bin');
    const expression = distUrlExpression(source, outdir, DIST);
    const chunkUrl = pathToFileURL(join(outdir, 'emit-ABC.js')).href;
    const value = new Function('chunkUrl', `return ${expression.replace('import.meta.url', 'chunkUrl')}`)(chunkUrl) as string;
    expect(fileURLToPath(value)).toBe(join(DIST, 'backends/torch/emit.js'));
  });
});

describe('the bundled CLI', () => {
  // Inside the repository, so that the chunks' imports of external packages find node_modules.
  let outdir: string;
  let meta: Metafile;
  beforeAll(async () => {
    if (!existsSync(join(DIST, 'language/ir/schema-validator.cjs'))) throw new Error('dist/ is missing: run `npm run build` (npm ci runs it)');
    outdir = mkdtempSync(join(DIST, 'bundle-test-'));
    meta = (await bundleCli(outdir, DIST)) as Metafile;
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const output = (prefix: string) => {
    const name = readdirSync(outdir).find((f) => f.startsWith(`${prefix}-`) || f === `${prefix}.js`);
    if (!name) throw new Error(`no ${prefix} chunk in ${outdir}`);
    return relative(process.cwd(), join(outdir, name));
  };
  /** The packages a chunk imports before it runs (static imports, transitively), Node built-ins aside. */
  const packagesLoaded = (start: string, seen = new Set<string>(), found = new Set<string>()): Set<string> => {
    if (seen.has(start)) return found;
    seen.add(start);
    for (const i of meta.outputs[start]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (!i.external) packagesLoaded(i.path, seen, found);
      else if (!i.path.startsWith('node:')) found.add(i.path);
    }
    return found;
  };

  it.each(['check', 'fmt', 'ir', 'draw'])('unet %s loads no package but ajv run-time helpers (commander and chevrotain are inlined)', (command) => {
    const packages = [...packagesLoaded(output('unet')), ...packagesLoaded(output(command))];
    expect(packages.filter((p) => !p.startsWith('ajv/dist/runtime/'))).toEqual([]);
  });

  /** The chunks a chunk loads before it runs (static imports, transitively), itself included. */
  const chunksLoaded = (start: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(start)) return seen;
    seen.add(start);
    for (const i of meta.outputs[start]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) chunksLoaded(i.path, seen);
    return seen;
  };

  it("unet check of a spec does not load the precompiled IR validator (360 kB), only IR JSON needs it", () => {
    const chunks = [...chunksLoaded(output('unet')), ...chunksLoaded(output('check'))];
    const inputs = chunks.flatMap((chunk) => Object.keys(meta.outputs[chunk]!.inputs));
    expect(inputs.some((input) => input.endsWith('src/language/compile.ts'))).toBe(true);
    expect(inputs.filter((input) => input.endsWith('schema-validator.js'))).toEqual([]);
  });

  it('checks IR JSON with the validator it requires on first use: valid IR passes, broken IR is refused', () => {
    const unet = (...args: string[]) => spawnSync(process.execPath, [join(outdir, 'unet.js'), ...args], { cwd: REPO, encoding: 'utf8' });
    const dir = mkdtempSync(join(tmpdir(), 'unet-bundle-ir-'));
    try {
      const ir = unet('ir', 'specs/ellipses.unet');
      expect(ir.status, ir.stderr).toBe(0);
      writeFileSync(join(dir, 'ok.json'), ir.stdout);
      writeFileSync(join(dir, 'broken.json'), ir.stdout.replace(/"name": *"Ellipses"/, '"name": ""'));
      expect(unet('check', join(dir, 'ok.json')).status).toBe(0);
      const broken = unet('check', join(dir, 'broken.json'));
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain('/name: must NOT have fewer than 1 characters');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points every import.meta.url of the chunks at a file of dist/ whose source exists', () => {
    const urls = readdirSync(outdir).flatMap((f) => [...readFileSync(join(outdir, f), 'utf8').matchAll(/new URL\("([^"]+)", import\.meta\.url\)\.href/g)].map((m) => m[1]!));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const twin = relative(DIST, join(outdir, url));
      expect(existsSync(join(REPO, 'src', twin.replace(/\.js$/, '.ts'))), twin).toBe(true);
    }
  });

  it('runs `unet check` and `unet emit torch` (templates found from the chunks)', () => {
    const unet = join(outdir, 'unet.js');
    const check = spawnSync(process.execPath, [unet, 'check', 'specs/ellipses.unet'], { cwd: REPO, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/parameters\s+121,042/);
    const out = mkdtempSync(join(tmpdir(), 'unet-bundle-emit-'));
    try {
      const emit = spawnSync(process.execPath, [unet, 'emit', 'torch', 'specs/ellipses.unet', '--out', join(out, 'torch')], { cwd: REPO, encoding: 'utf8' });
      expect(emit.status, emit.stderr).toBe(0);
      expect(readFileSync(join(out, 'torch/train.py'), 'utf8')).toContain('import torch');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
