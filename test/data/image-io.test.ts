import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.ts';
import {
  countPages,
  readImage,
  readImageStack,
  readMaskValues,
  writeImagePng,
  writeMaskPng,
} from '../../src/data/image-io.ts';
import { tempDir, writeStack } from './helpers.ts';

describe('image I/O', () => {
  it('round-trips an 8-bit gray PNG exactly (values k/255)', async () => {
    const dir = tempDir();
    const data = Float32Array.from({ length: 12 }, (_, i) => (i * 20) / 255);
    await writeImagePng(join(dir, 'a.png'), { height: 3, width: 4, channels: 1, data });
    const back = await readImage(join(dir, 'a.png'));
    expect([back.height, back.width, back.channels]).toEqual([3, 4, 1]);
    back.data.forEach((v, i) => expect(v).toBeCloseTo(data[i], 6));
    expect(readdirSync(dir)).toEqual(['a.png']); // no temp file left behind
  });

  it('reads a 16-bit PNG scaled by 65535', async () => {
    const dir = tempDir();
    const values = Uint16Array.from({ length: 6 }, (_, i) => i * 10000);
    await sharp(values, { raw: { width: 3, height: 2, channels: 1 } }).toColourspace('grey16').png().toFile(join(dir, 'g16.png'));
    const img = await readImage(join(dir, 'g16.png'));
    expect(img.channels).toBe(1);
    img.data.forEach((v, i) => expect(v).toBeCloseTo(values[i] / 65535, 6));
    const raw = await readMaskValues(join(dir, 'g16.png'));
    expect(Array.from(raw.data)).toEqual(Array.from(values));
  });

  it('reads an RGB PNG as 3 channels and drops alpha', async () => {
    const dir = tempDir();
    const rgba = Buffer.from([255, 0, 0, 128, 0, 255, 0, 255, 0, 0, 255, 0, 10, 20, 30, 255]);
    await sharp(rgba, { raw: { width: 2, height: 2, channels: 4 } }).png().toFile(join(dir, 'c.png'));
    const img = await readImage(join(dir, 'c.png'));
    expect(img.channels).toBe(3);
    expect(Array.from(img.data, (v) => Math.round(v * 255))).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    await writeImagePng(join(dir, 'c2.png'), img);
    expect(Array.from((await readImage(join(dir, 'c2.png'))).data)).toEqual(Array.from(img.data));
  });

  it('reads each page of a 2-page TIFF', async () => {
    const dir = tempDir();
    const path = join(dir, 'stack.tif');
    await writeStack(path, 2, 2, [[0, 10, 20, 30], [255, 254, 253, 252]]);
    expect(await countPages(path)).toBe(2);
    const pages = await readImageStack(path);
    expect(pages.map((p) => p.channels)).toEqual([1, 1]);
    expect(Array.from(pages[1].data, (v) => Math.round(v * 255))).toEqual([255, 254, 253, 252]);
    expect(Array.from((await readMaskValues(path, 0)).data)).toEqual([0, 10, 20, 30]);
  });

  it('writes masks as class values or mapped pixel values', async () => {
    const dir = tempDir();
    const mask = { height: 1, width: 3, data: Uint8Array.from([0, 1, 1]) };
    await writeMaskPng(join(dir, 'm.png'), mask);
    expect(Array.from((await readMaskValues(join(dir, 'm.png'))).data)).toEqual([0, 1, 1]);
    await writeMaskPng(join(dir, 'isbi.png'), mask, [255, 0]);
    expect(Array.from((await readMaskValues(join(dir, 'isbi.png'))).data)).toEqual([255, 0, 0]);
  });

  it('names the file when it is not an image', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.png'), 'not a png');
    await expect(readImage(join(dir, 'bad.png'))).rejects.toThrow(DataError);
    await expect(readImage(join(dir, 'bad.png'))).rejects.toThrow(/bad\.png: unreadable image/);
  });

  it('refuses a mask whose colour channels differ', async () => {
    const dir = tempDir();
    await sharp(Buffer.from([255, 0, 0, 0, 0, 0]), { raw: { width: 2, height: 1, channels: 3 } }).png().toFile(join(dir, 'c.png'));
    await expect(readMaskValues(join(dir, 'c.png'))).rejects.toThrow(/c\.png: mask has 3 differing colour channels/);
  });
});
