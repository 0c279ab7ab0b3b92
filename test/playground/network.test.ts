// The playground's network page in headless Chromium (Debian's `chromium`, playwright-core),
// on the built static site: it segments an image with a run that `unet train` wrote and gets
// `unet predict`'s mask, and the CLI's probabilities within 1e-4 (the same segmentImage,
// normaliser, overlap-tile and TTA code, on the page's engine); it trains the ellipses spec,
// the loss falls, stops, continues and downloads the model; no console error on the way.
// Skipped where /usr/bin/chromium is missing.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../playground/build.ts';
import { writeSite } from '../../src/app/site.ts';
import { openEvalModel } from '../../src/app/eval/model-source.ts';
import { sampleFiles } from '../../src/app/sample-data.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { readImage, readRaw, writeImagePng } from '../../src/data/image-io.ts';
import { segmentImage } from '../../src/data/segment.ts';
import { runUnet } from '../helpers/cli.ts';
import { CHROMIUM, collectErrors, hasChromium, launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

if (!hasChromium) console.warn(`skipping the playground network page test: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

// Batch norm (a custom layer the page must register) and an image larger than 16 training
// windows (72 x 72 > 16 x 16 x 16), so prediction goes through overlap-tile inference.
const SPEC = `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  norm    batch
  down    maxpool 2x2
  up      transposed 2x2
  skip    concat
  train {
    loss      ce_dice
    optimizer adam lr 0.01
    batch     16
    epochs    1
    seed      3
  }
}
`;

describe.skipIf(!hasChromium)('playground network page in Chromium', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-network-page-'));
  const run = join(dir, 'run');
  const image = join(dir, 'ellipses.png');
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'tiny.unet'), SPEC);
    await writeImagePng(image, makeEllipses({ count: 1, size: 72, seed: 11 })[0]!.image);
    const trained = await runUnet(['train', join(dir, 'tiny.unet'), '--data', 'builtin:ellipses:32', '--engine', 'wasm', '--out', run]);
    expect(trained.code, trained.stderr).toBe(0);
    // The site carries the run as its sample model (unet serve --out DIR --sample-run RUN).
    writeSite({ ...(await buildPlayground()), ...(await sampleFiles({ run })) }, join(dir, 'site'));
    [server, browser] = await Promise.all([serveStatic(dir), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    collectErrors(page, errors);
    await page.goto(`${server.url}site/network.html`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pageResult = () => page.evaluate(() => {
    const { result } = (window as unknown as { unetPlayground: { result: { mask: Uint8Array; probabilities: Float32Array } | null } }).unetPlayground;
    return result && { mask: [...result.mask], probabilities: [...result.probabilities] };
  });

  /** The page's mask and probabilities for the test image with `tta`, after a fresh segment. */
  async function segmentInPage(tta: string) {
    await page.evaluate(() => ((window as unknown as { unetPlayground: { result: unknown } }).unetPlayground.result = null));
    await page.selectOption('#tta', tta);
    await page.locator('#segment').click();
    await expect.poll(pageResult, { timeout: 60_000 }).not.toBeNull();
    return (await pageResult())!;
  }

  /** `unet predict`'s mask (0/255 PNG) as classes, and the CLI's predict path's probabilities in this process. */
  async function segmentWithCli(tta: string) {
    const out = join(dir, `predict-${tta}`);
    const predicted = await runUnet(['predict', run, image, '--out', out, '--engine', 'wasm', '--tta', tta]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const mask = [...(await readRaw(join(out, 'ellipses_mask.png'))).data].map((v) => (v === 255 ? 1 : 0));
    await tf.setBackend('cpu');
    const model = await openEvalModel(run, 'cpu');
    const probabilities = await segmentImage(await readImage(image), model.ir, model.normalizer, model.window, model.predictor, { tta: tta as 'none' });
    return { mask, probabilities: probabilities.data };
  }

  it('opens a run written by unet train and segments like unet predict (mask equal, probabilities within 1e-4)', async () => {
    const files = [...readdirSync(join(run, 'model')).map((f) => join(run, 'model', f)), join(run, 'ir.json'), join(run, 'config.json')];
    await page.setInputFiles('#run-files', files);
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^Tiny \(opened run\): 1 x 16 x 16 window, 2 classes/);
    await page.setInputFiles('#image-file', image);
    await expect.poll(() => page.locator('#image-status').innerText()).toContain('ellipses.png: 72 x 72, 1 channel');
    for (const tta of ['none', 'flips']) {
      const [inPage, cli] = [await segmentInPage(tta), await segmentWithCli(tta)];
      expect(inPage.mask.length).toBe(72 * 72);
      expect(inPage.mask, `tta ${tta}`).toEqual(cli.mask);
      expect(inPage.mask.filter((k) => k === 1).length).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < cli.probabilities.length; i++) worst = Math.max(worst, Math.abs(inPage.probabilities[i]! - cli.probabilities[i]!));
      expect(worst, `tta ${tta}`).toBeLessThan(1e-4);
    }
    // The engine it chose, said on the page: headless Chromium without a GPU has no hardware
    // WebGPU adapter, so the page takes wasm with the project's SIMD training kernels.
    expect(await page.locator('#engine').innerText()).toMatch(/^engine: wasm with the project's SIMD training kernels/);
    await page.screenshot({ path: join(dir, 'segmented.png') });
    expect(errors).toEqual([]);
  });

  it("opens the site's bundled sample model (unet serve --sample-run) and segments like unet predict", async () => {
    expect(await page.locator('#sample-model').innerText()).toBe('sample model: Tiny');
    await page.locator('#sample-model').click();
    await expect.poll(() => page.locator('#model-status').innerText(), { timeout: 60_000 }).toMatch(/^Tiny \(opened run\): 1 x 16 x 16 window/);
    // The test image the first test opened is still the page's image.
    const [inPage, cli] = [await segmentInPage('none'), await segmentWithCli('none')];
    expect(inPage.mask).toEqual(cli.mask);
    expect(errors).toEqual([]);
  });

  it('opens a run dropped onto the page', async () => {
    const files = [...readdirSync(join(run, 'model')).map((f) => join('model', f)), 'ir.json', 'config.json']
      .map((f) => ({ name: basename(f), base64: readFileSync(join(run, f)).toString('base64') }));
    await page.evaluate(() => ((window as unknown as { unetPlayground: { model: unknown } }).unetPlayground.model = null));
    const transfer = await page.evaluateHandle((list) => {
      const data = new DataTransfer();
      for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      return data;
    }, files);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
    await expect.poll(() => page.evaluate(() => (window as unknown as { unetPlayground: { model: unknown } }).unetPlayground.model !== null)).toBe(true);
    expect(await page.locator('#model-status').innerText()).toMatch(/^Tiny \(opened run\)/);
    expect(errors).toEqual([]);
  });

  it('says which files are missing when a run is opened without them', async () => {
    await page.setInputFiles('#run-files', [join(run, 'ir.json')]);
    await expect.poll(() => page.locator('#model-status').innerText()).toBe(
      "missing model.json, the weights (.bin), config.json: choose a run's model/model.json, its weights (.bin), ir.json and config.json",
    );
    expect(await page.locator('#model-status').getAttribute('class')).toContain('error');
  });

  /** The loss after each step so far (its epoch's running mean, as the chart draws it). */
  const losses = () => page.evaluate(() => (window as unknown as { unetPlayground: { chart: { losses: number[] } } }).unetPlayground.chart.losses);

  // On the page's wasm engine, about 100 images of 64 x 64 a second: 800 images make epochs
  // of several seconds, so "stop" lands in the first one.
  it('trains the ellipses spec with a live chart: the loss falls; stop, continue, download, then segments with it', async () => {
    await page.fill('#count', '800');
    await page.locator('#train').click();
    await expect.poll(async () => (await losses()).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('#continue').isEnabled(), { timeout: 60_000 }).toBe(true);
    const [first, second] = await losses();
    expect(second).toBeLessThan(first!);
    expect(await page.locator('#chart svg polyline.loss').count()).toBe(1);
    expect(await page.locator('#train-status').innerText()).toMatch(/^epoch 1, step \d+\/\d+, .*\(stopped: continue goes on from here\)$/);
    // Continue: the loop resumes from its state (the next step of the same epoch) and the chart goes on.
    const stepsBefore = (await losses()).length;
    await page.locator('#continue').click();
    await expect.poll(async () => (await losses()).length, { timeout: 60_000 }).toBeGreaterThan(stepsBefore);
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('#download').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.screenshot({ path: join(dir, 'trained.png') });
    // The trained network segments the bundled sample.
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^Ellipses \(trained here\): 1 x 64 x 64 window/);
    await page.locator('#sample').click();
    const trained = await segmentInPage('none');
    expect(trained.mask.length).toBe(64 * 64);
    // Download: model.json, its weights, ir.json and config.json, which open here again as a run.
    const downloaded = join(dir, 'downloaded');
    const saves: Promise<void>[] = [];
    page.on('download', (d) => saves.push(d.saveAs(join(downloaded, d.suggestedFilename()))));
    await page.locator('#download').click();
    await expect.poll(() => saves.length).toBe(5);
    await Promise.all(saves);
    expect(readdirSync(downloaded).sort()).toEqual(['config.json', 'ir.json', 'model.json', 'model.onnx', 'model.weights.bin']);
    await page.setInputFiles('#run-files', readdirSync(downloaded).filter((f) => !f.endsWith('.onnx')).map((f) => join(downloaded, f)));
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^Ellipses \(opened run\): 1 x 64 x 64 window/);
    const reopened = await segmentInPage('none');
    expect(reopened.mask).toEqual(trained.mask);
    let worst = 0;
    for (let i = 0; i < trained.probabilities.length; i++) worst = Math.max(worst, Math.abs(reopened.probabilities[i]! - trained.probabilities[i]!));
    expect(worst).toBeLessThan(1e-6);
    // The downloaded .onnx (the exporter of `unet export`, in the page) segments alike on onnxruntime-web.
    await page.setInputFiles('#run-files', join(downloaded, 'model.onnx'));
    await expect.poll(() => page.locator('#model-status').innerText(), { timeout: 60_000 }).toMatch(/^Ellipses \(model\.onnx\): 1 x 64 x 64 window, .*onnxruntime-web/);
    const fromOnnx = await segmentInPage('none');
    expect(fromOnnx.mask).toEqual(trained.mask);
    worst = 0;
    for (let i = 0; i < trained.probabilities.length; i++) worst = Math.max(worst, Math.abs(fromOnnx.probabilities[i]! - trained.probabilities[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(errors).toEqual([]);
  });

  it("trains the editor's spec (kept in localStorage by the editor page), and refuses one too large for a page", async () => {
    const epochs = () => page.evaluate(() => (window as unknown as { unetPlayground: { epochs: { loss: number }[] } }).unetPlayground.epochs);
    await page.selectOption('#spec', 'editor');
    await page.evaluate(() => localStorage.removeItem('unet-playground:spec'));
    await page.locator('#train').click();
    await expect.poll(() => page.locator('#train-status').innerText()).toMatch(/^no spec from the editor yet: open the spec editor/);
    await page.evaluate(() => localStorage.setItem('unet-playground:spec', 'unet Big { input 1 x 256 x 256\n output 2 classes softmax }'));
    await page.locator('#train').click();
    await expect.poll(() => page.locator('#train-status').innerText()).toMatch(/^Big: input 256 x 256 is too large to train in a page/);
    await page.evaluate((spec) => localStorage.setItem('unet-playground:spec', spec), SPEC.replace('epochs    1', 'epochs    3'));
    await page.fill('#count', '20');
    await page.locator('#train').click();
    await expect.poll(async () => (await epochs()).length, { timeout: 60_000 }).toBe(3);
    await expect.poll(() => page.locator('#train').isEnabled()).toBe(true);
    const losses = (await epochs()).map((e) => e.loss);
    expect(losses[2]).toBeLessThan(losses[0]!);
    expect(await page.locator('#continue').isEnabled()).toBe(false); // done: nothing to continue
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^Tiny \(trained here\): 1 x 16 x 16 window/);
    expect(errors).toEqual([]);
  });
});
