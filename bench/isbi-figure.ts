/**
 * The ISBI 2012 figure of docs/isbi2012.md: an EM slice, its label and a run's prediction
 * side by side (membrane dark, as in the labels), 384 px each.
 *
 *   npx tsx bench/isbi-figure.ts runs/isbi2012 00 docs/images/isbi2012-result.png
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { segmentImage, toMask } from '../src/data/segment.ts';
import { readImage, readRaw } from '../src/data/image-io.ts';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { openEvalModel } from '../src/app/eval/model-source.ts';

const [run = 'runs/isbi2012', slice = '00', out = 'docs/images/isbi2012-result.png'] = process.argv.slice(2);
const DATA = '../shared/data/isbi2012';
const SIZE = 384;

const model = await openEvalModel(run, 'auto');
const imagePath = join(DATA, 'images', `${slice}.png`);
const image = await readImage(imagePath);
const label = await readRaw(join(DATA, 'labels', `${slice}.png`));
const mask = toMask(await segmentImage(image, model.ir, model.normalizer, model.window, model.predictor));
// Class 1 is the membrane (mask_values 255, 0): draw it dark like the label's 0.
const prediction = Uint8Array.from(mask.data, (k) => (k === 1 ? 0 : 255));

const panel = (pixels: Uint8Array | Buffer, width: number, height: number) =>
  sharp(Buffer.from(pixels), { raw: { width, height, channels: 1 } }).resize(SIZE, SIZE).png().toBuffer();
const gray = Buffer.from(Uint8Array.from(image.data, (v) => Math.round(v * 255)));
const panels = await Promise.all([panel(gray, image.width, image.height), panel(Buffer.from(label.data), label.width, label.height), panel(prediction, mask.width, mask.height)]);
const gap = 8;
const figure = await sharp({ create: { width: 3 * SIZE + 2 * gap, height: SIZE, channels: 3, background: '#ffffff' } })
  .composite(panels.map((input, i) => ({ input, left: i * (SIZE + gap), top: 0 })))
  .png({ compressionLevel: 9 })
  .toBuffer();
await writeFileAtomic(out, figure);
console.log(`${out}: slice ${slice} | label | prediction of ${model.description}`);
