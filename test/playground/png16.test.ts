// 16-bit PNGs and 16-bit masks in the page (playground/network/png16.ts, picture.ts, pairs.ts)
// against the CLI's reader (src/data/image-io.ts, sharp): the same file gives the same integers,
// so an image reaches the network with its 65536 levels and a mask's class values 0, 1, 2 stay
// classes (a browser's 8-bit decode had read them all as 0). TIFF and 16-bit PNG need no
// browser API, so readPairs runs here in Node on such files.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readPairs } from '../../playground/network/pairs.ts';
import { decodePixels } from '../../playground/network/picture.ts';
import { decodePng16, isPng16 } from '../../playground/network/png16.ts';
import { readImage, readMaskValues, readRaw } from '../../src/data/image-io.ts';
import { rawToImage } from '../../src/data/raw-pixels.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-page-png16-'));
const [W, H] = [7, 5];
const ramp = (n: number, max: number) => Array.from({ length: n }, (_, i) => Math.round((i * 7919) % (max + 1)));

/** Writes raw 16-bit samples as a 16-bit PNG (gray for 1 or 2 channels, RGB for 3 or 4). */
async function png16(name: string, samples: number[], channels: number): Promise<string> {
  const path = join(dir, name);
  const space = channels <= 2 ? 'grey16' : 'rgb16';
  await sharp(Uint16Array.from(samples), { raw: { width: W, height: H, channels: channels as 1 | 2 | 3 | 4 } }).toColourspace(space).png().toFile(path);
  return path;
}

const bytes = (path: string) => new Uint8Array(readFileSync(path));

describe('16-bit PNGs in the page', () => {
  it('gray, gray with alpha and RGBA give readRaw\'s samples exactly, alpha dropped', async () => {
    for (const [name, channels, expected] of [['g.png', 1, 1], ['ga.png', 2, 1], ['rgba.png', 4, 3]] as const) {
      const path = await png16(name, ramp(W * H * channels, 65535), channels);
      expect(isPng16(bytes(path))).toBe(true);
      const [page, cli] = [decodePng16(bytes(path), name), await readRaw(path)];
      expect([page.height, page.width, page.channels, page.bitDepth]).toEqual([H, W, expected, 16]);
      expect([cli.height, cli.width, cli.channels, cli.bitDepth]).toEqual([H, W, expected, 16]);
      expect([...page.data]).toEqual([...cli.data]);
    }
  });

  it('decodePixels takes a 16-bit PNG Blob through png16 (the values readImage scales), not the browser', async () => {
    const path = await png16('blob.png', ramp(W * H, 65535), 1);
    const raw = await decodePixels(new Blob([bytes(path)]), 'blob.png');
    expect(raw.bitDepth).toBe(16);
    const cli = await readImage(path);
    expect([...rawToImage(raw).data]).toEqual([...cli.data]);
  });

  it('an 8-bit PNG or a TIFF is not taken for one; a broken file is named', async () => {
    const png8 = await sharp(Uint8Array.from(ramp(W * H, 255)), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer();
    expect(isPng16(new Uint8Array(png8))).toBe(false);
    const tiff16 = await sharp(Uint16Array.from(ramp(W * H, 65535)), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff().toBuffer();
    expect(isPng16(new Uint8Array(tiff16))).toBe(false);
    const cut = bytes(await png16('cut.png', ramp(W * H, 65535), 1)).subarray(0, 60);
    expect(isPng16(cut)).toBe(true);
    expect(() => decodePng16(cut, 'cut.png')).toThrow(/^cut\.png: unreadable PNG/);
  });
});

describe('16-bit masks given to the page', () => {
  it('keep their class values, as readMaskValues reads them: PNG and TIFF', async () => {
    const classes = Array.from({ length: W * H }, (_, i) => i % 3);
    const files = [
      { path: 'a.png', file: await png16('a.png', ramp(W * H, 65535), 1) },
      { path: 'a_mask.png', file: await png16('a_mask.png', classes, 1) },
      { path: 'b.tif', file: join(dir, 'b.tif') },
      { path: 'b_mask.tif', file: join(dir, 'b_mask.tif') },
    ];
    await sharp(Uint16Array.from(ramp(W * H, 65535)), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toFile(join(dir, 'b.tif'));
    await sharp(Uint16Array.from(classes), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toFile(join(dir, 'b_mask.tif'));
    const dropped = await readPairs(files.map(({ path, file }) => ({ path, file: new Blob([bytes(file)]) })));
    expect(dropped.pairs.map((p) => p.name)).toEqual(['a', 'b']);
    for (const [pair, stem] of dropped.pairs.map((p, i) => [p, ['a', 'b'][i]!] as const)) {
      const maskFile = files.find((f) => f.path.startsWith(`${stem}_mask`))!.file;
      const cli = await readMaskValues(maskFile);
      expect(pair.mask.bitDepth).toBe(16);
      expect([...pair.mask.data]).toEqual([...cli.data]);
      expect(new Set(pair.mask.data)).toEqual(new Set([0, 1, 2]));
      const image = await readImage(files.find((f) => f.path === `${stem}.${stem === 'a' ? 'png' : 'tif'}`)!.file);
      expect([...pair.image.data]).toEqual([...image.data]);
    }
  });
});
