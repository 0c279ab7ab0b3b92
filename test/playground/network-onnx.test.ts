// The network page with an .onnx file of `unet export` and TIFF images, in headless Chromium
// (Debian's `chromium`, playwright-core), on the built static site: onnxruntime-web (wasm here:
// headless Chromium has no GPU) through the CLI's metadata, Predictor, tiling and TTA code
// gives `unet predict model.onnx`'s mask and its probabilities within 1e-4, for a PNG and a
// 16-bit TIFF; no console error, no failed request. Skipped where /usr/bin/chromium is missing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../playground/build.ts';
import { writeSite } from '../../src/app/site.ts';
import { openEvalModel } from '../../src/app/eval/model-source.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { readImage, readRaw, writeImagePng } from '../../src/data/image-io.ts';
import { segmentImage } from '../../src/data/segment.ts';
import type { TtaMode } from '../../src/data/tta.ts';
import { runUnet } from '../helpers/cli.ts';
import { CHROMIUM, collectErrors, hasChromium, launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

if (!hasChromium) console.warn(`skipping the playground's ONNX and TIFF test: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

// Valid padding (every image goes through overlap-tile inference), batch norm, and the run's
// dataset normalisation, which the page must take from the file's metadata.
const SPEC = `unet TinyValid {
  input   1 x 28 x 28
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding valid
  norm    batch
  down    maxpool 2x2
  up      transposed 2x2
  skip    concat
  train {
    loss      ce_dice
    optimizer adam lr 0.01
    batch     16
    epochs    3
    seed      3
    normalize dataset
  }
}
`;

describe.skipIf(!hasChromium)('playground network page with an .onnx file and TIFF images', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-network-onnx-'));
  const onnx = join(dir, 'tiny.onnx');
  const png = join(dir, 'ellipses.png');
  const tif = join(dir, 'ellipses16.tif');
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.unet'), SPEC);
    const { image } = makeEllipses({ count: 1, size: 72, seed: 11 })[0]!;
    await writeImagePng(png, image);
    // The same picture at 16 bit: values a PNG cannot hold, read as v / 65535 by both sides.
    const g16 = Uint16Array.from(image.data, (v) => Math.round(v * 65535));
    await sharp(g16, { raw: { width: 72, height: 72, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toFile(tif);
    const trained = await runUnet(['train', join(dir, 'tiny.unet'), '--data', 'builtin:ellipses:32', '--engine', 'wasm', '--out', join(dir, 'run')]);
    expect(trained.code, trained.stderr).toBe(0);
    const exported = await runUnet(['export', join(dir, 'run'), '--onnx', onnx]);
    expect(exported.code, exported.stderr).toBe(0);
    writeSite(await buildPlayground(), join(dir, 'site'));
    [server, browser] = await Promise.all([serveStatic(dir), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    collectErrors(page, errors);
    await page.goto(`${server.url}site/network.html`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pageResult = (on: Page = page) => on.evaluate(() => {
    const { result } = (window as unknown as { unetPlayground: { result: { mask: Uint8Array; probabilities: Float32Array } | null } }).unetPlayground;
    return result && { mask: [...result.mask], probabilities: [...result.probabilities] };
  });

  async function segmentInPage(tta: TtaMode, on: Page = page) {
    await on.evaluate(() => ((window as unknown as { unetPlayground: { result: unknown } }).unetPlayground.result = null));
    await on.selectOption('#tta', tta);
    await on.locator('#segment').click();
    await expect.poll(() => pageResult(on), { timeout: 60_000 }).not.toBeNull();
    return (await pageResult(on))!;
  }

  /** `unet predict model.onnx IMAGE`'s mask (0/255 PNG) as classes, and the probabilities of its code path (onnxruntime-node) in this process. */
  async function segmentWithCli(image: string, tta: TtaMode) {
    const out = join(dir, `predict-${tta}-${image.endsWith('.tif') ? 'tif' : 'png'}`);
    const predicted = await runUnet(['predict', onnx, image, '--out', out, '--tta', tta]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout).toContain('on onnxruntime');
    const stem = image.endsWith('.tif') ? 'ellipses16' : 'ellipses';
    const mask = [...(await readRaw(join(out, `${stem}_mask.png`))).data].map((v) => (v === 255 ? 1 : 0));
    const model = await openEvalModel(onnx, 'auto');
    const probabilities = await segmentImage(await readImage(image), model.ir, model.normalizer, model.window, model.predictor, { tta });
    return { mask, probabilities: probabilities.data };
  }

  async function expectSameAsCli(image: string, tta: TtaMode, on: Page = page) {
    const [inPage, cli] = [await segmentInPage(tta, on), await segmentWithCli(image, tta)];
    expect(inPage.mask.length).toBe(72 * 72);
    expect(inPage.mask, `${image}, tta ${tta}`).toEqual(cli.mask);
    // A mask of both classes, so equal masks say something.
    expect(new Set(inPage.mask).size).toBe(2);
    let worst = 0;
    for (let i = 0; i < cli.probabilities.length; i++) worst = Math.max(worst, Math.abs(inPage.probabilities[i]! - cli.probabilities[i]!));
    expect(worst, `${image}, tta ${tta}`).toBeLessThan(1e-4);
  }

  it('opens an .onnx file of unet export (its metadata: IR, window, normalisation) and segments like unet predict model.onnx, with and without TTA', async () => {
    await page.setInputFiles('#run-files', onnx);
    await expect.poll(() => page.locator('#model-status').innerText(), { timeout: 60_000 }).toMatch(
      /^TinyValid \(tiny\.onnx\): 1 x 28 x 28 window, 2 classes, valid padding, on onnxruntime-web 1\.30\.0, (wasm|WebGPU)/,
    );
    await page.setInputFiles('#image-file', png);
    await expect.poll(() => page.locator('#image-status').innerText()).toContain('ellipses.png: 72 x 72, 1 channel');
    for (const tta of ['none', 'flips'] as const) await expectSameAsCli(png, tta);
    expect(errors).toEqual([]);
  });

  it('segments a 16-bit TIFF as unet predict segments that file', async () => {
    await page.setInputFiles('#image-file', tif);
    await expect.poll(() => page.locator('#image-status').innerText()).toContain('ellipses16.tif: 72 x 72, 1 channel');
    await expectSameAsCli(tif, 'none');
    expect(errors).toEqual([]);
  });

  // WebGPU on SwiftShader (--enable-unsafe-webgpu, as test/backends/tfjs/webgpu-browser.test.ts):
  // a software adapter, which the page takes only when ?onnx=webgpu asks for it.
  it('runs the .onnx file on onnxruntime-web\'s WebGPU provider with ?onnx=webgpu, with the same result', async () => {
    const { chromium } = await import('playwright-core');
    const gpuBrowser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu'] });
    try {
      const gpuPage = await gpuBrowser.newPage();
      const gpuErrors: string[] = [];
      collectErrors(gpuPage, gpuErrors);
      await gpuPage.goto(`${server.url}site/network.html?onnx=webgpu`, { waitUntil: 'load' });
      await gpuPage.waitForSelector('body[data-ready="true"]');
      await gpuPage.setInputFiles('#run-files', onnx);
      await expect.poll(() => gpuPage.locator('#model-status').innerText(), { timeout: 60_000 }).toMatch(/on onnxruntime-web 1\.30\.0, WebGPU, vendor /);
      await gpuPage.setInputFiles('#image-file', png);
      await expect.poll(() => gpuPage.locator('#image-status').innerText()).toContain('ellipses.png: 72 x 72');
      await expectSameAsCli(png, 'none', gpuPage);
      expect(gpuErrors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  });

  it('refuses a file that is not ONNX, an image it cannot read, and an unknown ?onnx= provider, by name', async () => {
    await page.setInputFiles('#run-files', { name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^broken\.onnx: not a readable ONNX file \(truncated, or not ONNX\)/);
    await page.setInputFiles('#image-file', { name: 'cut.tif', mimeType: 'image/tiff', buffer: Buffer.from([0x49, 0x49, 42, 0, 99, 0, 0, 0]) });
    await expect.poll(() => page.locator('#image-status').innerText()).toMatch(/^cut\.tif: unreadable TIFF/);
    await page.goto(`${server.url}site/network.html?onnx=webgl`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#run-files', onnx);
    await expect.poll(() => page.locator('#model-status').innerText()).toBe('?onnx=webgl: the page runs .onnx files on webgpu or wasm');
    expect(errors).toEqual([]);
  });
});
