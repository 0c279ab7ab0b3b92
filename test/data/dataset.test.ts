import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.ts';
import { loadFolderDataset, loadStackDataset, splitDataset } from '../../src/data/dataset.ts';
import { unetWeightMap } from '../../src/data/weight-map.ts';
import { randError } from '../../src/metrics/rand-error.ts';
import { tempDir, writeBinary, writeGray, writeStack } from './helpers.ts';

const PATTERN = [1, 1, 0, 0, 1, 0];

/** A folder with images/ and the given mask folder holding 2 pairs of 3x2 images. */
async function folderLayout(maskFolder: string, maskName = (s: string) => s): Promise<string> {
  const dir = tempDir();
  const imageFolder = maskFolder === 'masks' && maskName('a') !== 'a' ? 'imgs' : 'images';
  for (const stem of ['a', 'b']) {
    await writeGray(join(dir, imageFolder, `${stem}.png`), 3, 2, [0, 50, 100, 150, 200, 250]);
    await writeBinary(join(dir, maskFolder, `${maskName(stem)}.png`), 3, 2, PATTERN);
  }
  return dir;
}

async function expectDataError(promise: Promise<unknown>, path: string, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).message).toContain(path);
  expect((err as DataError).message).toMatch(message);
}

describe('loadFolderDataset layouts', () => {
  it('images/ + masks/ with matching stems, 0/255 -> classes 0/1', async () => {
    const samples = await loadFolderDataset(await folderLayout('masks'));
    expect(samples.map((s) => s.name)).toEqual(['a', 'b']);
    expect(Array.from(samples[0].mask.data)).toEqual(PATTERN);
    expect(samples[0].image.data[5]).toBeCloseTo(250 / 255, 6);
  });

  it('images/ + labels/', async () => {
    const samples = await loadFolderDataset(await folderLayout('labels'));
    expect(samples).toHaveLength(2);
  });

  it('the PyTorch reference layout imgs/ + masks/<stem>_mask', async () => {
    const samples = await loadFolderDataset(await folderLayout('masks', (s) => `${s}_mask`));
    expect(samples.map((s) => s.name)).toEqual(['a', 'b']);
    expect(Array.from(samples[1].mask.data)).toEqual(PATTERN);
  });

  it('images beside their masks in one folder (<stem>.png and <stem>_mask.png), the layout of files dropped into the playground', async () => {
    const dir = tempDir();
    for (const stem of ['a', 'b']) {
      await writeGray(join(dir, `${stem}.png`), 3, 2, [0, 50, 100, 150, 200, 250]);
      await writeBinary(join(dir, `${stem}_mask.png`), 3, 2, PATTERN);
    }
    const samples = await loadFolderDataset(dir);
    expect(samples.map((s) => s.name)).toEqual(['a', 'b']);
    expect(Array.from(samples[1].mask.data)).toEqual(PATTERN);
    await writeGray(join(dir, 'c.png'), 3, 2, [0, 0, 0, 0, 0, 0]);
    await expectDataError(loadFolderDataset(dir), join(dir, 'c.png'), /image has no mask \(expected .*c_mask\.<ext>\)/);
  });

  it('palette GIF masks as in Carvana (<stem>_mask.gif)', async () => {
    const dir = await folderLayout('masks', (s) => `${s}_mask`);
    for (const stem of ['a', 'b']) {
      const values = Buffer.from(PATTERN.map((v) => (v ? 255 : 0)));
      await sharp(values, { raw: { width: 3, height: 2, channels: 1 } }).gif().toFile(join(dir, 'masks', `${stem}_mask.gif`));
      rmSync(join(dir, 'masks', `${stem}_mask.png`));
    }
    const samples = await loadFolderDataset(dir);
    expect(Array.from(samples[0].mask.data)).toEqual(PATTERN);
  });

  it('a pair of multi-page TIFFs, with maskValues [255, 0] making value 0 class 1', async () => {
    const dir = tempDir();
    await writeStack(join(dir, 'train-volume.tif'), 2, 1, [[1, 2], [3, 4], [5, 6]]);
    await writeStack(join(dir, 'train-labels.tif'), 2, 1, [[255, 0], [0, 0], [255, 255]]);
    const samples = await loadFolderDataset(dir, { maskValues: [255, 0] });
    expect(samples.map((s) => s.name)).toEqual(['0', '1', '2']);
    expect(samples.map((s) => Array.from(s.mask.data))).toEqual([[0, 1], [1, 1], [0, 0]]);
    const direct = await loadStackDataset(join(dir, 'train-volume.tif'), join(dir, 'train-labels.tif'));
    expect(direct.map((s) => Array.from(s.mask.data))).toEqual([[1, 0], [0, 0], [1, 1]]);
  });

  it('maps more than two values by sorted order', async () => {
    const dir = tempDir();
    await writeGray(join(dir, 'images', 'x.png'), 3, 1, [0, 0, 0]);
    await writeGray(join(dir, 'masks', 'x.png'), 3, 1, [40, 7, 200]);
    const [s] = await loadFolderDataset(dir, { numClasses: 3 });
    expect(Array.from(s.mask.data)).toEqual([1, 0, 2]);
  });
});

describe('loadFolderDataset errors name the file', () => {
  it('missing folder and empty folder', async () => {
    const dir = tempDir();
    await expectDataError(loadFolderDataset(join(dir, 'nope')), 'nope', /does not exist/);
    await expectDataError(loadFolderDataset(dir), dir, /no data found/);
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'masks'));
    await expectDataError(loadFolderDataset(dir), join(dir, 'images'), /no images/);
  });

  it('image without mask, and mask without image', async () => {
    const dir = await folderLayout('masks');
    await writeGray(join(dir, 'images', 'c.png'), 3, 2, [0, 0, 0, 0, 0, 0]);
    await expectDataError(loadFolderDataset(dir), join(dir, 'images', 'c.png'), /image has no mask/);
    const dir2 = await folderLayout('masks');
    await writeBinary(join(dir2, 'masks', 'z.png'), 3, 2, PATTERN);
    await expectDataError(loadFolderDataset(dir2), join(dir2, 'masks', 'z.png'), /mask has no image/);
  });

  it('unreadable image', async () => {
    const dir = await folderLayout('masks');
    writeFileSync(join(dir, 'images', 'b.png'), 'garbage');
    await expectDataError(loadFolderDataset(dir), join(dir, 'images', 'b.png'), /unreadable image/);
  });

  it('image and mask of different sizes', async () => {
    const dir = await folderLayout('masks');
    await writeBinary(join(dir, 'masks', 'b.png'), 2, 3, PATTERN);
    await expectDataError(loadFolderDataset(dir), join(dir, 'masks', 'b.png'), /mask is 2x3 but its image .*b\.png is 3x2/);
  });

  it('mask value outside the class list', async () => {
    const dir = await folderLayout('masks');
    await writeGray(join(dir, 'masks', 'b.png'), 3, 2, [0, 255, 128, 0, 0, 0]);
    await expectDataError(
      loadFolderDataset(dir, { maskValues: [0, 255] }),
      join(dir, 'masks', 'b.png'),
      /mask value 128 at row 0, column 2 is not in the class list \[0, 255\]/,
    );
  });

  it('more distinct mask values than classes', async () => {
    const dir = await folderLayout('masks');
    await writeGray(join(dir, 'masks', 'b.png'), 3, 2, [0, 255, 128, 0, 0, 0]);
    await expectDataError(
      loadFolderDataset(dir, { numClasses: 2 }),
      join(dir, 'masks', 'b.png'),
      /more distinct values \(0, 128, 255\) than the 2 classes; set `mask_values V0, V1, ...` \(one mask value per class\) in the spec's train section/,
    );
  });
});

describe('splitDataset', () => {
  it('splits 20 into 16 + 4, deterministically by seed, with no overlap', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = splitDataset(items, 0.2, 1);
    expect([a.train.length, a.val.length]).toEqual([16, 4]);
    expect([...a.train, ...a.val].sort((x, y) => x - y)).toEqual(items);
    expect(splitDataset(items, 0.2, 1)).toEqual(a);
    expect(splitDataset(items, 0.2, 2).val).not.toEqual(a.val);
  });
});

const ISBI = join(import.meta.dirname, '../../../shared/data/isbi2012');
const isbiPresent = existsSync(ISBI);
if (!isbiPresent) console.warn(`ISBI 2012 smoke test skipped: ${ISBI} not found (see /work/shared/data/README.md)`);

describe('real data', () => {
  it.skipIf(!isbiPresent)('reads two ISBI 2012 slices, membrane (0) as class 1', async () => {
    // Two slices copied to a temp folder keep the test fast; the layout is the same.
    const dir = tempDir();
    for (const sub of ['images', 'labels']) {
      mkdirSync(join(dir, sub));
      for (const n of ['00', '01']) {
        copyFileSync(join(ISBI, sub, `${n}.png`), join(dir, sub, `${n}.png`));
      }
    }
    const samples = await loadFolderDataset(dir, { maskValues: [255, 0] });
    expect(samples).toHaveLength(2);
    const { image, mask } = samples[0];
    expect([image.height, image.width, image.channels]).toEqual([512, 512, 1]);
    const membrane = mask.data.reduce((n, v) => n + v, 0) / mask.data.length;
    expect(membrane).toBeGreaterThan(0.1); // README: about 22 % membrane
    expect(membrane).toBeLessThan(0.35);
    // The paper's recipe on real labels: cells are class 0, the border term lands on membranes.
    const weights = unetWeightMap(mask, 2, { cellClass: 0 });
    expect(weights.every((w) => Number.isFinite(w) && w >= 1)).toBe(true);
    expect(weights.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(8);
    expect(randError(mask, mask).error).toBe(0);
    expect(randError(samples[1].mask, mask).error).toBeGreaterThan(0);
  });
});
