// The page's TIFF decoder (playground/network/tiff.ts, the `tiff` package) against the CLI's
// reader (src/data/image-io.ts, sharp): the same file gives the same input values, so the
// page segments a TIFF exactly as `unet predict` does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeTiffPixels, isTiff } from '../../playground/network/tiff.ts';
import { readImage, readRaw } from '../../src/data/image-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-page-tiff-'));
const [W, H] = [7, 5];
/**
 * A one-strip uncompressed little-endian TIFF of 32-bit floats written by hand: sharp writes
 * floats as 8-bit, so this is how a float TIFF (which both readers refuse) comes to exist.
 */
function floatTiff(width: number, height: number): Uint8Array {
  const tags: [number, number, number][] = [
    [256, 3, width], [257, 3, height], [258, 3, 32], [259, 3, 1], [262, 3, 1],
    [273, 4, 8 + 2 + 12 * 11 + 4], [277, 3, 1], [278, 3, height], [279, 4, width * height * 4], [284, 3, 1], [339, 3, 3],
  ];
  const ifdEnd = 8 + 2 + 12 * tags.length + 4;
  const view = new DataView(new ArrayBuffer(ifdEnd + width * height * 4));
  view.setUint16(0, 0x4949, true);
  view.setUint16(2, 42, true);
  view.setUint32(4, 8, true);
  view.setUint16(8, tags.length, true);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + 12 * i;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  for (let i = 0; i < width * height; i++) view.setFloat32(ifdEnd + 4 * i, i / 10, true);
  return new Uint8Array(view.buffer);
}

const ramp = (n: number, max: number) => Array.from({ length: n }, (_, i) => Math.round((i * 7919) % (max + 1)));

async function pageAndCli(name: string, image: ReturnType<typeof sharp>) {
  const path = join(dir, name);
  await image.toFile(path);
  const bytes = new Uint8Array(readFileSync(path));
  expect(isTiff(bytes)).toBe(true);
  return { page: decodeTiffPixels(bytes, name), cli: await readRaw(path) };
}

describe('TIFF images in the page', () => {
  it('16-bit gray (LZW) and 8-bit gray (deflate) give the CLI reader\'s values exactly', async () => {
    const g16 = Uint16Array.from(ramp(W * H, 65535));
    const g8 = Uint8Array.from(ramp(W * H, 255));
    for (const { page, cli } of [
      await pageAndCli('g16.tif', sharp(g16, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' })),
      await pageAndCli('g8.tif', sharp(g8, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'deflate' })),
    ]) {
      expect([page.height, page.width, page.channels]).toEqual([H, W, 1]);
      expect([cli.height, cli.width, cli.channels]).toEqual([H, W, 1]);
      expect(page.bitDepth).toBe(cli.bitDepth);
      expect([...page.data]).toEqual([...cli.data]);
    }
  });

  it('RGB with alpha: three channels, alpha dropped, values equal', async () => {
    const rgba = Uint8Array.from(ramp(W * H * 4, 255));
    const { page, cli } = await pageAndCli('rgba.tif', sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).tiff({ compression: 'none' }));
    expect(page.channels).toBe(3);
    expect(cli.channels).toBe(3);
    expect([...page.data]).toEqual([...cli.data]);
  });

  it('refuses float TIFFs and other files by name, as the CLI refuses them', async () => {
    const path = join(dir, 'float.tif');
    writeFileSync(path, floatTiff(W, H));
    expect(() => decodeTiffPixels(floatTiff(W, H), 'float.tif')).toThrow(/^float\.tif: unsupported pixel format \(32 bit, sample format 3\): 8 or 16 bit unsigned/);
    await expect(readImage(path)).rejects.toThrow(/unsupported pixel format/);
    const png = await sharp(Uint8Array.from(ramp(4, 255)), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    expect(isTiff(new Uint8Array(png))).toBe(false);
    expect(() => decodeTiffPixels(new Uint8Array(png), 'x.tif')).toThrow(/^x\.tif: unreadable TIFF/);
  });
});
