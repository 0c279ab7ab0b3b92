// The playground without a browser: what it shows for a spec, and that its bundle is
// browser-only (no node: imports left). The page itself needs Chromium, which CI lacks.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { view } from '../../playground/app.ts';
import { buildPlayground } from '../../playground/build.ts';
import { writeSite } from '../../src/app/site.ts';
import { ORT_WASM } from '../../playground/network/ort-files.ts';
import { SIMD_SITE_FILES, TFJS_WASM_FILES } from '../../playground/network/wasm-files.ts';
import { builtPlayground, exposureWarning, servePlayground } from '../../src/cli/serve.ts';
import { EM_SAMPLE_SIZE } from '../../src/app/sample-data.ts';
import { NO_EM_SAMPLE, type SampleManifest } from '../../src/data/sample-manifest.ts';
import { writeGray } from '../data/helpers.ts';
import { UNET } from '../helpers/cli.ts';

describe('playground view', () => {
  it('draws the spec and fills the shape table', () => {
    const v = view(readFileSync('specs/ronneberger2015.unet', 'utf8'));
    expect(v.svg).toMatch(/^<svg /);
    expect(v.rows.map((r) => r.stage)).toContain('bottom');
    expect(v.rows.find((r) => r.stage === 'head')!.output).toBe('2 x 388 x 388');
    expect(v.diagnostics).toEqual([]);
  });

  it('shows diagnostics with their place and no diagram for a broken spec', () => {
    const v = view('unet Broken {\n  input 1 x 572 x 572\n  depth banana\n}\n');
    expect(v.svg).toBeNull();
    expect(v.diagnostics.length).toBeGreaterThan(0);
    expect(v.diagnostics[0]!.line).toBe(3);
    expect(v.report).toContain('playground.unet:3');
  });

  it('reports an import instead of reading files', () => {
    const v = view('import "milesial.unet"\nunet X extends Milesial {}\n');
    expect(v.svg).toBeNull();
    expect(v.report).toContain('milesial.unet');
  });
});

describe('playground bundle', () => {
  it('is one browser script with the examples inlined', { timeout: 30_000 }, async () => {
    const files = await buildPlayground();
    expect(files['app.js']).not.toMatch(/from\s*"node:/);
    expect(files['app.js']).toContain('Ronneberger2015');
    expect(files['index.html']).toContain('<script type="module" src="app.js">');
  });

  it('bundles the network page with tfjs, the project layers and the ellipses spec, and no Node built-in', { timeout: 60_000 }, async () => {
    const files = await buildPlayground();
    expect(files['network.js']).not.toMatch(/from\s*"node:/);
    expect(files['network.js']).toContain('UnetBatchNormTrain');
    expect(files['network.js']).toContain('unet Ellipses');
    expect(files['network.html']).toContain('<script type="module" src="network.js">');
    // onnxruntime-web with its wasm beside the page, never the Node runtime of the CLI.
    expect(files['network.js']).toContain(ORT_WASM);
    expect(files['network.js']).not.toContain('onnxruntime-node');
    expect(files[ORT_WASM].subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d])); // "\0asm"
  });

  it('is a static site for any host: relative URLs only, nothing asked of a server', { timeout: 30_000 }, async () => {
    const files = await buildPlayground();
    const dir = join(mkdtempSync(join(tmpdir(), 'unet-site-')), 'site');
    const names = ['index.html', 'app.js', 'network.html', 'network.js', ORT_WASM, 'samples.json', ...TFJS_WASM_FILES, ...SIMD_SITE_FILES];
    expect(writeSite(files, dir)).toEqual(names.map((name) => join(dir, name)));
    // And the marker by which the next writeSite (or `unet serve`) knows these files as the site's.
    expect(readdirSync(dir).sort()).toEqual([...names, '.unet-site.json'].sort());
    const urls = (page: string) => [...readFileSync(join(dir, page), 'utf8').matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    // Scripts and the other page by relative paths; the icon inline, so a host without one logs no 404.
    expect(urls('index.html')).toEqual(['data:,', 'network.html', 'app.js']);
    expect(urls('network.html')).toEqual(['data:,', './', 'network.js']);
    expect(files['app.js']).not.toMatch(/\bfetch\(|XMLHttpRequest/);
    // Built without a data folder: the page says the EM sample is absent (and fetches no file that is not there).
    expect(JSON.parse(files['samples.json'])).toEqual(NO_EM_SAMPLE);
  });
});

describe('unet serve --out (what npm run build:site runs)', () => {
  it('writes the built site into a new folder, again into its own, and refuses a folder of the user', { timeout: 60_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'unet-site-'));
    const dir = join(root, 'out');
    const serveOut = (to: string) => spawnSync(process.execPath, [UNET, 'serve', '--out', to], { encoding: 'utf8' });
    const first = serveOut(dir);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(join(dir, 'index.html'));
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('id="editor"');
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toContain('Ronneberger2015');
    expect(serveOut(dir).status).toBe(0);
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'index.html'), 'my page');
    const refused = serveOut(mine);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('was not written by `unet serve --out`');
    expect(readFileSync(join(mine, 'index.html'), 'utf8')).toBe('my page');
  });

  it('--sample-data DATA adds the EM sample from a data folder; without it the sample is gone again; a bad folder exits 1', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'unet-site-'));
    const data = join(root, 'data');
    const side = EM_SAMPLE_SIZE;
    for (const stem of ['a', 'b']) {
      await writeGray(join(data, 'images', `${stem}.png`), side, side, Array.from({ length: side * side }, (_, i) => i % 251));
      await writeGray(join(data, 'masks', `${stem}.png`), side, side, Array.from({ length: side * side }, (_, i) => (i % 3 === 0 ? 255 : 0)));
    }
    const dir = join(root, 'site');
    const serveOut = (...flags: string[]) => spawnSync(process.execPath, [UNET, 'serve', '--out', dir, ...flags], { encoding: 'utf8' });
    const manifest = () => JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as SampleManifest;
    const withSample = serveOut('--sample-data', data);
    expect(withSample.status, withSample.stderr).toBe(0);
    expect(manifest().em!.files).toEqual(['em-a.png', 'em-a_mask.png', 'em-b.png', 'em-b_mask.png']);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(manifest().em!.files));
    expect(serveOut().status).toBe(0);
    expect(manifest()).toEqual(NO_EM_SAMPLE);
    expect(readdirSync(dir).filter((f) => f.startsWith('em-'))).toEqual([]);
    const missing = serveOut('--sample-data', join(root, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${join(root, 'nope')}: data folder does not exist`);
  });
});

describe('unet serve', () => {
  it('says to run npm run build when the bundled page is missing', () => {
    const empty = new URL(`file://${mkdtempSync(join(tmpdir(), 'unet-no-playground-'))}/`);
    expect(() => builtPlayground(empty)).toThrow(/the playground is not built .*run `npm run build`/);
  });

  it('serves exactly the files the last build wrote: a stale or stray file beside them is left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-built-playground-'));
    const pages = { 'index.html': '<p>', 'app.js': '1', 'network.html': '<p>', 'network.js': '2', 'samples.json': '{}' };
    writeSite({ ...pages, 'old-engine.wasm': new Uint8Array([0, 97, 115, 109]) }, dir);
    writeSite({ ...pages, 'engine.wasm': new Uint8Array([0, 97, 115, 109]) }, dir);
    writeFileSync(join(dir, 'stray.js'), 'alert(1)');
    const folder = new URL(`file://${dir}/`);
    expect(Object.keys(builtPlayground(folder)).sort()).toEqual(['app.js', 'engine.wasm', 'index.html', 'network.html', 'network.js', 'samples.json']);
    // The pages without the build's marker: an older or hand-made folder, not a build.
    const unmarked = mkdtempSync(join(tmpdir(), 'unet-unmarked-playground-'));
    for (const [name, text] of Object.entries(pages)) writeFileSync(join(unmarked, name), text);
    expect(() => builtPlayground(new URL(`file://${unmarked}/`))).toThrow(/the playground is not built \(no .*\.unet-site\.json\).*npm run build/);
  });

  it('listens on 127.0.0.1 unless a host is given', async () => {
    const playground = await servePlayground({ port: 0, files: { 'index.html': '', 'app.js': '', 'network.html': '', 'network.js': '', 'samples.json': '' } });
    try {
      expect((playground.server.address() as AddressInfo).address).toBe('127.0.0.1');
      expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await playground.close();
    }
  });

  it('warns when --host lets other machines in', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(exposureWarning(host)).toBeNull();
    expect(exposureWarning('0.0.0.0')).toContain('reachable from other machines on every network interface');
    expect(exposureWarning('192.168.1.5')).toContain('--host 192.168.1.5');
  });

  it('serves the page and its script', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [UNET, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`unet serve exited with ${code}`)));
      });
      const page = await fetch(url);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('id="editor"');
      const script = await fetch(`${url}/app.js`);
      expect(script.headers.get('content-type')).toContain('javascript');
      expect((await script.text()).length).toBeGreaterThan(10_000);
      const network = await fetch(`${url}/network.html`);
      expect(network.headers.get('content-type')).toContain('text/html');
      expect(await network.text()).toContain('id="segment"');
      expect((await fetch(`${url}/network.js`)).headers.get('content-type')).toContain('javascript');
      const wasm = await fetch(`${url}/${ORT_WASM}`);
      expect(wasm.headers.get('content-type')).toBe('application/wasm');
      expect((await wasm.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
      expect((await fetch(`${url}/secret`)).status).toBe(404);
    } finally {
      child.kill();
    }
  });
});
