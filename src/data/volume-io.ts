// Volume files <-> Volume / VolumeMask: one multi-page TIFF per volume, one page per slice
// (page k = depth index k), read page by page through image-io.ts so bit depths, gray and
// colour are handled exactly as for 2D images. Written as 8-bit LZW TIFFs (lossless).
import sharp from 'sharp';
import { DataError } from './errors.ts';
import { countPages, readImage, readMaskValues } from './image-io.ts';
import type { RawPixels } from './raw-pixels.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import type { Volume, VolumeMask } from './types.ts';
import { stackSlices } from './volume.ts';

/** Checks that every page of a volume file has the size of its first page. */
function checkPageSize(path: string, page: number, size: { height: number; width: number }, first: { height: number; width: number }): void {
  if (size.height !== first.height || size.width !== first.width) {
    throw new DataError(`${path} (page ${page})`, `page is ${size.width}x${size.height} but page 0 is ${first.width}x${first.height}; every slice of a volume must have the same size`);
  }
}

/** Reads a multi-page TIFF as one volume, values in [0, 1] (pages = depth). */
export async function readVolume(path: string): Promise<Volume> {
  const pages = await countPages(path);
  const slices = [];
  for (let p = 0; p < pages; p++) {
    const slice = await readImage(path, p);
    if (p > 0) checkPageSize(path, p, slice, slices[0]);
    slices.push(slice);
  }
  return stackSlices(slices);
}

/** Reads the raw integer values of every page of a mask volume file (page k = slice k). */
export async function readMaskVolumePages(path: string): Promise<RawPixels[]> {
  const pages = await countPages(path);
  const out: RawPixels[] = [];
  for (let p = 0; p < pages; p++) {
    const page = await readMaskValues(path, p);
    if (p > 0) checkPageSize(path, p, page, out[0]);
    out.push(page);
  }
  return out;
}

/** Encodes 8-bit DHWC voxels (1 or 3 channels) as a multi-page TIFF, one page per slice. */
async function encodeTiff(pixels: Uint8Array, depth: number, height: number, width: number, channels: number): Promise<Buffer> {
  if (channels !== 1 && channels !== 3) throw new Error(`TIFF output needs 1 or 3 channels, got ${channels}`);
  // One tall raw image cut into pages by pageHeight; sharp's default TIFF compression is lossy JPEG.
  return sharp(pixels, { raw: { width, height: depth * height, channels, pageHeight: height } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .tiff({ compression: 'lzw' })
    .toBuffer();
}

/** Writes a volume as an 8-bit multi-page TIFF (values clamped to [0, 1], scaled by 255). */
export async function writeVolumeTiff(path: string, volume: Volume): Promise<void> {
  const pixels = new Uint8Array(volume.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, volume.data[i])) * 255);
  await writeFileAtomic(path, await encodeTiff(pixels, volume.depth, volume.height, volume.width, volume.channels));
}

/** Writes a mask volume as an 8-bit gray multi-page TIFF; `values` maps class k to values[k] (default k). */
export async function writeMaskVolumeTiff(path: string, mask: VolumeMask, values?: readonly number[]): Promise<void> {
  const pixels = values ? mask.data.map((k) => values[k]) : mask.data;
  await writeFileAtomic(path, await encodeTiff(pixels, mask.depth, mask.height, mask.width, 1));
}
