// Inference in the playground's network page (headless Debian Chromium, playwright-core, as
// the browser tests drive it) beside `unet predict` on the same machine (wasm), on the site's
// EM sample (a 128 x 128 crop; `--sample-data DIR`, e.g. the ISBI 2012 folder) or, without a
// data folder, a generated 128 x 128 ellipses image. The model: specs/ellipses.unet trained
// for one epoch by `unet train` (the timing does not depend on the weights).
// Run: npx tsx bench/playground-inference.ts [--sample-data DIR]   (after `npm run build`)
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlayground } from '../playground/build.ts';
import { sampleFiles } from '../src/app/sample-data.ts';
import { openEvalModel } from '../src/app/eval/model-source.ts';
import { writeSite } from '../src/app/site.ts';
import { makeEllipses } from '../src/data/ellipses.ts';
import { readImage, writeImagePng } from '../src/data/image-io.ts';
import { segmentImage } from '../src/data/segment.ts';
import { launchChromium } from '../test/playground/chromium.ts';
import { serveStatic } from '../test/playground/static-server.ts';
import { runUnet } from '../test/helpers/cli.ts';

const RUNS = 5;
const flag = process.argv.indexOf('--sample-data');
const sampleData = flag < 0 ? null : process.argv[flag + 1]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = loadavg()[0]!.toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'unet-bench-page-'));
const run = join(dir, 'run');
const trained = await runUnet(['train', 'specs/ellipses.unet', '--data', 'builtin:ellipses:16', '--epochs', '1', '--engine', 'wasm', '--out', run]);
if (trained.code !== 0) throw new Error(`unet train failed:\n${trained.stderr}`);

// The site, with the EM sample when a data folder is given; the image both sides segment.
const site: Record<string, string | Uint8Array> = { ...(await buildPlayground()), ...(sampleData ? await sampleFiles({ data: sampleData }) : {}) };
writeSite(site, join(dir, 'site'));
const image = join(dir, 'sample.png');
let what: string;
if (sampleData) {
  const first = Object.keys(site).find((f) => /^em-.*\.png$/.test(f) && !f.endsWith('_mask.png'))!;
  writeFileSync(image, site[first] as Uint8Array);
  what = `the EM sample ${first} (128 x 128 crop of ${sampleData})`;
} else {
  await writeImagePng(image, makeEllipses({ count: 1, size: 128, seed: 1 })[0]!.image);
  what = 'a generated 128 x 128 ellipses image (no --sample-data)';
}

// The page: open the run, the image, segment RUNS + 1 times (the first compiles the engine's
// programs); the time is the page's own (performance.now around segmentImage, in its status).
const [server, browser] = await Promise.all([serveStatic(dir), launchChromium()]);
const page = await browser.newPage();
await page.goto(`${server.url}site/network.html`, { waitUntil: 'load' });
await page.waitForSelector('body[data-ready="true"]');
const engine = (await page.locator('#engine').innerText()).replace(/^engine: /, '').replace(/ \(tfjs [^)]*\)$/, '');
await page.setInputFiles('#run-files', [...readdirSync(join(run, 'model')).map((f) => join(run, 'model', f)), join(run, 'ir.json'), join(run, 'config.json')]);
await page.waitForFunction(() => (window as unknown as { unetPlayground: { model: unknown } }).unetPlayground.model !== null);
await page.setInputFiles('#image-file', image);
await page.waitForFunction(() => (window as unknown as { unetPlayground: { image: unknown } }).unetPlayground.image !== null);
const pageTimes: number[] = [];
for (let i = 0; i <= RUNS; i++) {
  await page.locator('#segment').click();
  const status = page.locator('#image-status');
  await page.waitForFunction(() => /segmented in/.test(document.getElementById('image-status')!.textContent ?? ''));
  pageTimes.push(Number(/segmented in ([\d.]+) s/.exec(await status.innerText())![1]));
  await page.evaluate(() => (document.getElementById('image-status')!.textContent = ''));
}
await browser.close();
await server.close();

// `unet predict` as a user runs it (a process: start-up, model load, one image), and the same
// segmentImage in this process on wasm, after a warm-up, as the page's figure is.
const predictTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  const predicted = await runUnet(['predict', run, image, '--out', join(dir, `predict-${i}`), '--engine', 'wasm']);
  if (predicted.code !== 0) throw new Error(`unet predict failed:\n${predicted.stderr}`);
  predictTimes.push((performance.now() - start) / 1000);
}
const model = await openEvalModel(run, 'wasm');
const input = await readImage(image);
const inProcess: number[] = [];
for (let i = 0; i <= RUNS; i++) {
  const start = performance.now();
  await segmentImage(input, model.ir, model.normalizer, model.window, model.predictor, { tta: 'none' });
  inProcess.push((performance.now() - start) / 1000);
}

const reference = median(inProcess.slice(1));
const rows: [string, number][] = [
  [`page, first segment (${engine})`, pageTimes[0]!],
  [`page, segment, median of ${RUNS} after it (${engine})`, median(pageTimes.slice(1))],
  [`\`unet predict --engine wasm\`, the whole process (start-up, model, one image), median of ${RUNS}`, median(predictTimes)],
  [`\`unet predict\`'s segmentImage in one process (${model.engine}), median of ${RUNS} after a warm-up`, reference],
];
process.stdout.write(`image: ${what}; load average ${load}\n\n| what | time | ratio to predict's segmentImage on wasm |\n| --- | --- | --- |\n`);
for (const [name, t] of rows) process.stdout.write(`| ${name} | ${t.toFixed(3)} s | ${(t / reference).toFixed(2)}x |\n`);
