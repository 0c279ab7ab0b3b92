// The webgpu engine in a page: test/backends/tfjs/webgpu-page.ts bundled by esbuild for the browser
// (which fails on any Node built-in in the engine's compute path), served from
// http://127.0.0.1 (navigator.gpu exists only in a secure context) to Debian's headless
// Chromium with --enable-unsafe-webgpu (WebGPU on SwiftShader, docs/webgpu.md). A conv2d
// and its gradients there equal the cpu engine's.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the webgpu browser test: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);

/** The flags that give headless Chromium a WebGPU adapter here (SwiftShader without a GPU). */
const WEBGPU_FLAGS = ['--headless', '--no-sandbox', '--enable-unsafe-webgpu'];

describe.skipIf(!hasChromium)('webgpu engine in headless Chromium', { timeout: 90_000 }, () => {
  let server: Server | undefined;
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    server?.close();
  });

  it('computes a conv2d and its gradients equal to cpu', async () => {
    const bundle = await build({
      entryPoints: [new URL('./webgpu-page.ts', import.meta.url).pathname],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      const isScript = req.url === '/page.js';
      res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
      res.end(isScript ? js : '<!doctype html><script type="module" src="/page.js"></script>');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_FLAGS });
    close = () => browser.close();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { webgpuResult?: unknown }).webgpuResult !== undefined);
    const result = (await page.evaluate(() => (globalThis as { webgpuResult?: unknown }).webgpuResult)) as { adapter?: string; errors?: number[]; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.adapter).toMatch(/vendor /);
    expect(result.errors).toHaveLength(3);
    for (const e of result.errors!) expect(e).toBeLessThan(1e-5);
  });
});
