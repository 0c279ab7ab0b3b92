// Image and mask files <-> Image2D / Mask2D through sharp (libvips): PNG and TIFF, 8 and
// 16 bit, grayscale and RGB, and the multi-page TIFF stacks of the ISBI 2012 challenge.
import sharp from 'sharp';
import { writeFileAtomic } from '../io/atomic.ts';
import { DataError } from './errors.ts';
import { grayMaskValues, rawToImage, type RawPixels } from './raw-pixels.ts';
import type { Image2D, Mask2D } from './types.ts';

export type { RawPixels } from './raw-pixels.ts';

/** Number of pages in an image file (1 for ordinary PNGs). */
export async function countPages(path: string): Promise<number> {
  try {
    const meta = await sharp(path).metadata();
    return meta.pages ?? 1;
  } catch (err) {
    throw new DataError(path, `unreadable image (${(err as Error).message})`);
  }
}

/** Reads one page of an image file as raw integers, keeping 1 channel for gray and 3 for colour. */
export async function readRaw(path: string, page = 0): Promise<RawPixels> {
  try {
    const meta = await sharp(path, { page }).metadata();
    if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
      throw new DataError(path, `unsupported pixel format '${meta.depth}' (8 or 16 bit unsigned integers expected)`);
    }
    const bitDepth = meta.depth === 'ushort' ? 16 : 8;
    // sharp converts to sRGB by default; ask for the gray colour space to keep one channel.
    const gray = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1 && !meta.isPalette;
    const space = gray ? (bitDepth === 16 ? 'grey16' : 'b-w') : bitDepth === 16 ? 'rgb16' : 'srgb';
    const { data, info } = await sharp(path, { page })
      .removeAlpha()
      .toColourspace(space)
      .raw({ depth: bitDepth === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const values =
      bitDepth === 16
        ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
        : new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { height: info.height, width: info.width, channels: info.channels, bitDepth, data: values };
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(path, `unreadable image (${(err as Error).message})`);
  }
}

/** Reads an image (one page) scaled to [0, 1] by its bit depth (255 or 65535). */
export async function readImage(path: string, page = 0): Promise<Image2D> {
  return rawToImage(await readRaw(path, page));
}

/**
 * Reads a mask file's raw integer values (one per pixel). A colour file whose channels are
 * all equal is accepted as gray; a truly coloured mask is an error (no palette mapping).
 */
export async function readMaskValues(path: string, page = 0): Promise<RawPixels> {
  return grayMaskValues(await readRaw(path, page), path);
}

/** Reads every page of a multi-page TIFF (an ISBI 2012 style stack) as images in [0, 1]. */
export async function readImageStack(path: string): Promise<Image2D[]> {
  const pages = await countPages(path);
  const out: Image2D[] = [];
  for (let p = 0; p < pages; p++) out.push(await readImage(path, p));
  return out;
}

/** Encodes 8-bit HWC pixels (1 or 3 channels) as PNG bytes. */
export async function encodePng(pixels: Uint8Array, height: number, width: number, channels: number): Promise<Buffer> {
  if (channels !== 1 && channels !== 3) {
    throw new Error(`PNG output needs 1 or 3 channels, got ${channels}`);
  }
  // Without the explicit colour space sharp would store a gray image as RGB.
  return sharp(pixels, { raw: { width, height, channels } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
}

/** Writes an image as an 8-bit PNG (values clamped to [0, 1], scaled by 255). */
export async function writeImagePng(path: string, image: Image2D): Promise<void> {
  const pixels = new Uint8Array(image.data.length);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.round(Math.min(1, Math.max(0, image.data[i])) * 255);
  }
  await writeFileAtomic(path, await encodePng(pixels, image.height, image.width, image.channels));
}

/**
 * Writes a mask as an 8-bit gray PNG. By default class k is stored as value k; `values`
 * maps class k to pixel value values[k] (e.g. [255, 0] writes ISBI 2012 style labels).
 */
export async function writeMaskPng(path: string, mask: Mask2D, values?: readonly number[]): Promise<void> {
  const pixels = values ? mask.data.map((k) => values[k]) : mask.data;
  await writeFileAtomic(path, await encodePng(pixels, mask.height, mask.width, 1));
}
