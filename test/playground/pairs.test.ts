// Training in the playground's network page on image/mask pairs given to it (headless
// Chromium, playwright-core): files chosen, a folder chosen, files dropped, all paired by the
// `--data DIR` rule; the errors for an unpaired file, a mask of another size and mask values
// the spec has no class for; the EM sample of a site built with --sample-data (from the
// ISBI 2012 folder beside the checkout, when it is there). Skipped without /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../playground/build.ts';
import { sampleFiles } from '../../src/app/sample-data.ts';
import { writeSite } from '../../src/app/site.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { writeImagePng, writeMaskPng } from '../../src/data/image-io.ts';
import { CHROMIUM, collectErrors, hasChromium, launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

if (!hasChromium) console.warn(`skipping the playground's image/mask pair tests: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);
const ISBI = join(import.meta.dirname, '../../../shared/data/isbi2012');
const hasIsbi = existsSync(ISBI);
if (hasChromium && !hasIsbi) console.warn(`skipping the playground's EM sample test: the ISBI 2012 data folder ${ISBI} is absent`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

interface PageState { chart: { losses: number[] }; epochs: { loss: number }[]; image: { name: string } | null; result: { mask: Uint8Array } | null }
const pageState = (page: Page) => page.evaluate(() => {
  const s = (window as unknown as { unetPlayground: PageState }).unetPlayground;
  return { losses: s.chart.losses, epochs: s.epochs.map((e) => e.loss), image: s.image?.name ?? null, mask: s.result ? s.result.mask.length : null };
});

describe.skipIf(!hasChromium)('playground network page: training on image/mask pairs', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-page-pairs-'));
  const flat = join(dir, 'flat');
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    // Three 16 x 16 pairs of the ellipses task, flat (a.png + a_mask.png) and as images/ + masks/.
    const samples = makeEllipses({ count: 3, size: 16, seed: 5 });
    for (const sub of ['flat', 'folder/images', 'folder/masks', 'small', 'three']) mkdirSync(join(dir, sub), { recursive: true });
    for (const [i, s] of samples.entries()) {
      await writeImagePng(join(flat, `e${i}.png`), s.image);
      await writeMaskPng(join(flat, `e${i}_mask.png`), s.mask, [0, 255]);
      await writeImagePng(join(dir, 'folder', 'images', `e${i}.png`), s.image);
      await writeMaskPng(join(dir, 'folder', 'masks', `e${i}.png`), s.mask, [0, 255]);
    }
    // e0's mask at another size, and with a third value (128) that a 2-class spec has no class for.
    await writeMaskPng(join(dir, 'small', 'e0_mask.png'), { height: 8, width: 8, data: new Uint8Array(64) });
    await writeMaskPng(join(dir, 'three', 'e0_mask.png'), { ...samples[0]!.mask, data: samples[0]!.mask.data.map((k, i) => (i % 2 === 0 ? k : 2)) }, [0, 255, 128]);
    const built = await buildPlayground();
    writeSite({ ...built }, join(dir, 'site'));
    if (hasIsbi) writeSite({ ...built, ...(await sampleFiles({ data: ISBI })) }, join(dir, 'em-site'));
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

  const status = () => page.locator('#pairs-status').innerText();

  const flatFiles = (replace: Record<string, string> = {}) => readdirSync(flat).sort().map((f) => replace[f] ?? join(flat, f));
  const train = async () => {
    await page.evaluate(() => ((window as unknown as { unetPlayground: PageState }).unetPlayground.epochs = []));
    await page.locator('#train').click();
  };

  it('pairs chosen files and a chosen folder by the --data rule; says which file is unpaired or of another size', async () => {
    await page.setInputFiles('#pair-files', [join(flat, 'e0.png'), join(flat, 'e0_mask.png'), join(flat, 'e1.png')]);
    await expect.poll(status).toBe('e1.png: image has no mask (expected e1_mask.<ext>)');
    expect(await page.locator('#pairs-status').getAttribute('class')).toContain('error');
    await page.setInputFiles('#pair-files', [join(flat, 'e0.png'), join(dir, 'small', 'e0_mask.png')]);
    await expect.poll(status).toBe('e0_mask.png: mask is 8x8 but its image e0.png is 16x16');
    await page.setInputFiles('#pair-folder', join(dir, 'folder'));
    await expect.poll(status).toBe('3 pairs (e0, e1, e2; 16 x 16, 1 channel)');
    expect(await page.locator('#data').inputValue()).toBe('pairs');
    expect(errors).toEqual([]);
  });

  it('refuses mask values the spec has no class for, at training, as unet train does', async () => {
    await page.setInputFiles('#pair-files', flatFiles({ 'e0_mask.png': join(dir, 'three', 'e0_mask.png') }));
    await expect.poll(status).toMatch(/^3 pairs/);
    await train();
    await expect.poll(() => page.locator('#train-status').innerText()).toBe(
      'e0_mask.png: masks have more distinct values (0, 128, 255) than the 2 classes; set `mask_values V0, V1, ...` (one mask value per class) in the spec\'s train section to map them',
    );
    expect(await page.locator('#train').isEnabled()).toBe(true);
  });

  // specs/ellipses.unet at the pairs' size (16 x 16, as unet train picks it): 5 epochs of one step.
  it('trains the ellipses spec on pairs dropped onto the page: the loss falls, and it segments', async () => {
    const files = flatFiles().map((f) => ({ name: f.slice(flat.length + 1), base64: readFileSync(f).toString('base64') }));
    const transfer = await page.evaluateHandle((list) => {
      const data = new DataTransfer();
      for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: 'image/png' }));
      return data;
    }, files);
    await page.dispatchEvent('#pairs-drop', 'drop', { dataTransfer: transfer });
    await expect.poll(status).toBe('3 pairs (e0, e1, e2; 16 x 16, 1 channel)');
    await train();
    await expect.poll(async () => (await pageState(page)).epochs.length, { timeout: 60_000 }).toBe(5);
    const { epochs } = await pageState(page);
    expect(epochs[4]).toBeLessThan(epochs[0]!);
    await expect.poll(() => page.locator('#model-status').innerText()).toMatch(/^Ellipses \(trained here\): 1 x 16 x 16 window/);
    await page.setInputFiles('#image-file', join(flat, 'e2.png'));
    await expect.poll(async () => (await pageState(page)).image).toBe('e2.png');
    await page.locator('#segment').click();
    await expect.poll(async () => (await pageState(page)).mask).toBe(16 * 16);
    expect(errors).toEqual([]);
  });

  it('says the EM sample is absent on a site built without --sample-data', async () => {
    expect(await page.locator('#em-note').innerText()).toMatch(/^no EM sample: this site was built without one/);
    expect(await page.locator('#em-sample').isDisabled()).toBe(true);
    expect(await page.locator('#data-em').isDisabled()).toBe(true);
  });

  it.skipIf(!hasIsbi)('segments and trains (a step) on the EM sample of a site built with --sample-data', async () => {
    await page.goto(`${server.url}em-site/network.html`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => page.locator('#em-note').innerText()).toMatch(/^4 crops of 128 x 128 from isbi2012/);
    await page.locator('#em-sample').click();
    await expect.poll(() => page.locator('#image-status').innerText()).toMatch(/^EM sample em-\d+: 128 x 128, 1 channel/);
    await page.selectOption('#data', 'em');
    await train();
    // One step (of 3 crops) is enough to show it trains; an epoch's validation would double the time.
    await expect.poll(async () => (await pageState(page)).losses.length, { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
    // Stopped if still training (on wasm the few crops may be done already).
    await page.locator('#stop').click({ timeout: 2_000 }).catch(() => undefined);
    await expect.poll(() => page.locator('#model-status').innerText(), { timeout: 60_000 }).toMatch(/^Ellipses \(trained here\): 1 x 128 x 128 window/);
    await page.locator('#segment').click();
    await expect.poll(async () => (await pageState(page)).mask, { timeout: 60_000 }).toBe(128 * 128);
    expect(errors).toEqual([]);
  });
});
