// The playground in a real browser: Debian's Chromium (package `chromium`) driven by
// playwright-core, on the built static site served by a plain static file server on a free
// 127.0.0.1 port, from a sub-path (as any static host would; nothing of `unet serve`). Checks the first view,
// highlighting, completion, a squiggle with its message while typing, zoom and pan of the
// diagram, with no console error on the way. Skipped where /usr/bin/chromium is missing.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../playground/build.ts';
import { writeSite } from '../../src/app/site.ts';
import { CHROMIUM, collectErrors, hasChromium, launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

if (!hasChromium) console.warn(`skipping the playground browser test: ${CHROMIUM} is missing (install the Debian package \`chromium\`)`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

describe.skipIf(!hasChromium)('playground in Chromium', { timeout: 30_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'unet-playground-'));

  beforeAll(async () => {
    const site = join(shots, 'site');
    writeSite(await buildPlayground(), site);
    [server, browser] = await Promise.all([
      // The folder above the site: the page is opened from a sub-path, as on GitHub Pages.
      serveStatic(shots),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    collectErrors(page, errors);
    await page.goto(`${server.url}site/`, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const boxes = () => page.locator('#diagram svg rect.box').count();
  const content = () => page.locator('#editor .cm-content');
  const editorText = () => content().evaluate((e) => [...e.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
  const setText = async (f: (text: string) => string) => content().fill(f(await editorText()));
  /** Pane pixels per drawing unit, and the smallest label's size in pane pixels. */
  const scale = () => page.locator('#diagram svg').evaluate((s: SVGSVGElement) => s.getScreenCTM()!.a);
  const smallestLabel = () => page.locator('#diagram svg').evaluate((s: SVGSVGElement) => Math.min(...[...s.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)));
  const viewBox = () => page.locator('#diagram svg').getAttribute('viewBox');

  it('shows the default spec highlighted, its diagram with legible labels and the shape table', async () => {
    await expect.poll(boxes).toBeGreaterThan(20);
    expect(await page.locator('#shapes tr').count()).toBe(15);
    expect(await page.locator('#shapes tr', { hasText: 'head' }).innerText()).toContain('2 x 388 x 388');
    expect(await page.locator('#total').innerText()).toBe('31,030,658');
    expect(await page.locator('#diagnostics li').count()).toBe(0);
    expect(await page.locator('#problems').isVisible()).toBe(false);
    expect(await page.locator('#examples option').count()).toBeGreaterThan(1);
    // Highlighting: keywords, the network's name, numbers, sizes, values and comments.
    expect(await page.locator('.cm-line', { hasText: 'depth' }).first().locator('.tok-keyword').innerText()).toBe('depth');
    expect(await page.locator('.tok-definition').first().innerText()).toBe('Ronneberger2015');
    for (const cls of ['tok-number', 'tok-atom', 'tok-comment']) expect(await page.locator(`.${cls}`).count(), cls).toBeGreaterThan(2);
    // Code is not soft-wrapped: an editor line is a spec line, as the diagnostics count them.
    expect(await page.locator('.cm-lineWrapping').count()).toBe(0);
    // Labels at least 9 px high on screen (their font is 10-11 units in the drawing).
    expect(await smallestLabel()).toBeGreaterThanOrEqual(9);
    // Kept for the network page, which trains the editor's spec.
    expect(await page.evaluate(() => localStorage.getItem('unet-playground:spec'))).toContain('unet Ronneberger2015');
    await page.screenshot({ path: join(shots, 'default.png') });
    expect(statSync(join(shots, 'default.png')).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('zooms with the wheel, pans by dragging, and goes back with reset and fit', async () => {
    const first = { scale: await scale(), viewBox: await viewBox() };
    const pane = (await page.locator('#diagram').boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(scale).toBeGreaterThan(first.scale * 1.5);
    const zoomed = (await viewBox())!.split(' ').map(Number);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2 - 100, pane.y + pane.height / 2 - 50, { steps: 4 });
    await page.mouse.up();
    const panned = (await viewBox())!.split(' ').map(Number);
    // Dragging left and up shows more of the right and bottom.
    expect(panned[0]).toBeGreaterThan(zoomed[0]!);
    expect(panned[1]).toBeGreaterThan(zoomed[1]!);
    await page.locator('#reset').click();
    expect({ scale: await scale(), viewBox: await viewBox() }).toEqual(first);
    await page.locator('#fit').click();
    expect(await scale()).toBeLessThan(first.scale);
    const svg = (await page.locator('#diagram svg').boundingBox())!;
    const whole = await page.locator('#diagram svg rect.box').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect()));
    for (const r of whole) expect(r.right).toBeLessThanOrEqual(svg.x + svg.width + 0.5);
    await page.locator('#reset').click();
    expect(errors).toEqual([]);
  });

  it('completes the keywords valid at the cursor', async () => {
    const original = await editorText();
    await page.locator('.cm-line', { hasText: /^\s*epochs/ }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('lo');
    const options = page.locator('.cm-tooltip-autocomplete .cm-completionLabel');
    await expect.poll(() => options.allInnerTexts()).toContain('loss');
    expect(await options.allInnerTexts()).not.toContain('depth');
    await page.keyboard.press('Escape');
    // At the top of the `unet` block, its own keywords.
    await page.locator('.cm-line', { hasText: /^\s*depth/ }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('pad');
    await expect.poll(() => options.allInnerTexts()).toEqual(['padding']);
    // CodeMirror ignores Enter in the first 75 ms of a completion list (its interactionDelay).
    await page.waitForTimeout(100);
    await page.keyboard.press('Enter');
    expect(await page.locator('.cm-activeLine').innerText()).toMatch(/^\s*padding$/);
    await setText(() => original);
    expect(errors).toEqual([]);
  });

  it('squiggles a typing error with its message and hint on hover, and the diagram follows the fixed spec', async () => {
    const before = await boxes();
    await setText((t) => t.replace(/depth\s+4/, 'depth   -1').replace('padding    valid', 'pading     valid'));
    const squiggles = page.locator('.cm-lintRange-error');
    await expect.poll(() => squiggles.count()).toBe(2);
    expect(await squiggles.allInnerTexts()).toEqual(['-1', 'pading']);
    await squiggles.nth(1).hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await expect.poll(() => tooltip.count()).toBe(1);
    expect(await tooltip.innerText()).toMatch(/unknown keyword `pading`[\s\S]*hint: did you mean `padding`\?/);
    // The list under the editor says it too, with line and column.
    const items = page.locator('#diagnostics li.error');
    expect(await items.first().innerText()).toMatch(/^8:11 the depth must be at least 1, found -1/);
    expect(await page.locator('#report').innerText()).toContain('playground.unet:8:11');
    // The last good diagram and table stay, dimmed, so the page does not jump while typing.
    expect(await page.locator('#figure').getAttribute('class')).toContain('stale');
    expect(await page.locator('#table').getAttribute('class')).toContain('stale');
    await page.screenshot({ path: join(shots, 'error.png') });

    // Clicking a diagnostic selects its span in the editor.
    await items.first().click();
    expect(await page.evaluate(() => document.getSelection()?.toString())).toBe('-1');

    // Depth 3 (the dropout moves to the new deepest encoder level): fewer boxes, no squiggle.
    await setText((t) => t.replace('depth   -1', 'depth   3').replace('level 4 {', 'level 3 {').replace('pading ', 'padding'));
    await expect.poll(() => page.locator('#diagnostics li').count()).toBe(0);
    await expect.poll(() => squiggles.count()).toBe(0);
    await expect.poll(boxes).toBeLessThan(before);
    expect(await page.locator('#figure').getAttribute('class')).not.toContain('stale');
    expect(await page.locator('#total').innerText()).toBe('7,696,258');
    expect(errors).toEqual([]);
  });

  it('switches between the bundled examples', async () => {
    for (const example of await page.locator('#examples option').allInnerTexts()) {
      await page.selectOption('#examples', example);
      await expect.poll(boxes).toBeGreaterThan(5);
      expect(await page.locator('#diagnostics li.error').count()).toBe(0);
      expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
      expect(await page.locator('#total').innerText()).toMatch(/^\d{1,3}(,\d{3})*$/);
      expect(await smallestLabel()).toBeGreaterThanOrEqual(9);
    }
    expect(errors).toEqual([]);
  });
});
