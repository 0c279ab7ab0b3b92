// The playground in a real browser: Debian's Chromium (package `chromium`) driven by
// playwright-core, against `unet serve`'s server on a free 127.0.0.1 port. Checks the first
// view, a diagnostic appearing while typing and the diagram following a fixed spec, with no
// console error on the way. Skipped where /usr/bin/chromium is missing.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePlayground, type Playground } from '../../src/cli/serve.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the playground browser test: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

describe.skipIf(!hasChromium)('playground in Chromium', { timeout: 30_000 }, () => {
  let server: Playground;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'unet-playground-'));

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    [server, browser] = await Promise.all([
      servePlayground({ port: 0, host: '127.0.0.1' }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      }),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(server.url, { waitUntil: 'load' });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const boxes = () => page.locator('#diagram svg rect.box').count();
  const setText = async (f: (text: string) => string) => page.locator('#editor').fill(f(await page.locator('#editor').inputValue()));

  it('draws the default spec and fills the shape table with its parameter count', async () => {
    await expect.poll(boxes).toBeGreaterThan(20);
    expect(await page.locator('#shapes tr').count()).toBe(15);
    expect(await page.locator('#shapes tr', { hasText: 'head' }).innerText()).toContain('2 x 388 x 388');
    expect(await page.locator('#total').innerText()).toBe('31,030,658');
    expect(await page.locator('#diagnostics li').count()).toBe(0);
    expect(await page.locator('#problems').isVisible()).toBe(false);
    // Code is not soft-wrapped: an editor line is a spec line, as the diagnostics count them.
    expect(await page.locator('#editor').evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('pre');
    expect(await page.locator('#examples option').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(shots, 'default.png') });

    // The diagram fits its column; a click shows it at its own size, another fits it again.
    const width = () => page.locator('#diagram svg').evaluate((e) => e.getBoundingClientRect().width);
    const fitted = await width();
    expect(fitted).toBeLessThanOrEqual(await page.locator('#diagram').evaluate((e) => e.clientWidth));
    await page.locator('#diagram').click();
    expect(await width()).toBeGreaterThan(fitted);
    await page.locator('#diagram').click();
    expect(await width()).toBe(fitted);
    expect(statSync(join(shots, 'default.png')).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('shows a typing error with its line and column, and the diagram follows the fixed spec', async () => {
    const before = await boxes();
    await setText((t) => t.replace(/depth\s+4/, 'depth   -1'));
    const item = page.locator('#diagnostics li.error');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.innerText()).toMatch(/^8:11 the depth must be at least 1, found -1/);
    expect(await page.locator('#report').innerText()).toContain('playground.unet:8:11');
    expect(await page.locator('#problems').isVisible()).toBe(true);
    // The last good diagram and table stay, dimmed, so the page does not jump while typing.
    expect(await page.locator('#diagram').getAttribute('class')).toContain('stale');
    expect(await page.locator('#table').getAttribute('class')).toContain('stale');
    expect(await page.locator('#total').innerText()).toBe('31,030,658');
    await page.screenshot({ path: join(shots, 'error.png') });

    // Clicking the diagnostic selects the bad value in the editor.
    await item.click();
    expect(await page.locator('#editor').evaluate((e: HTMLTextAreaElement) => e.value.slice(e.selectionStart, e.selectionEnd))).toBe('-1');

    // Depth 3 (the dropout moves to the new deepest encoder level): fewer boxes, no stale look.
    await setText((t) => t.replace('depth   -1', 'depth   3').replace('level 4 {', 'level 3 {'));
    await expect.poll(() => page.locator('#diagnostics li').count()).toBe(0);
    await expect.poll(boxes).toBeLessThan(before);
    expect(await page.locator('#diagram').getAttribute('class')).not.toContain('stale');
    expect(await page.locator('#problems').isVisible()).toBe(false);
    expect(await page.locator('#total').innerText()).toBe('7,696,258');
    expect(await page.locator('#shapes tr', { hasText: 'head' }).innerText()).not.toContain('2 x 388 x 388');
    await page.screenshot({ path: join(shots, 'depth3.png') });
    expect(errors).toEqual([]);
  });

  it('switches between the bundled examples', async () => {
    for (const example of await page.locator('#examples option').allInnerTexts()) {
      await page.selectOption('#examples', example);
      await expect.poll(boxes).toBeGreaterThan(5);
      expect(await page.locator('#diagnostics li.error').count()).toBe(0);
      expect(await page.locator('#total').innerText()).toMatch(/^\d{1,3}(,\d{3})*$/);
    }
    expect(errors).toEqual([]);
  });
});
