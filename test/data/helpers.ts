// Tiny on-disk fixtures for the data tests, written with sharp into a fresh temp folder.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** A fresh empty temp folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'unet-data-'));
}

/** Writes an 8-bit gray PNG from raw values (row-major). */
export async function writeGray(path: string, width: number, height: number, values: number[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await sharp(Buffer.from(values), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toFile(path);
}

/** Writes a two-value gray PNG: 255 where pattern is 1, 0 elsewhere. */
export async function writeBinary(path: string, width: number, height: number, pattern: number[]): Promise<void> {
  await writeGray(path, width, height, pattern.map((v) => (v ? 255 : 0)));
}

/** Writes a multi-page 8-bit gray TIFF; pages[i] holds page i's values (row-major). */
export async function writeStack(path: string, width: number, height: number, pages: number[][]): Promise<void> {
  // One tall raw image cut into pages by pageHeight keeps the single gray channel.
  const raw = { width, height: height * pages.length, channels: 1 as const, pageHeight: height };
  await sharp(Buffer.from(pages.flat()), { raw }).toColourspace('b-w').tiff({ compression: 'lzw' }).toFile(path); // sharp's default is lossy JPEG
}
