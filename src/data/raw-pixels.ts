// Decoded pixels before they become an image or a mask: what sharp gives the CLI (image-io.ts)
// and a canvas or the TIFF decoder gives the playground's page, turned into Image2D and mask
// values by the same two functions, so the same file gives the network the same input values
// everywhere. Browser-safe.
import { DataError } from './errors.ts';
import type { Image2D } from './types.ts';

/** Raw pixel values of one image file or page: HWC, alpha dropped, at the file's bit depth. */
export interface RawPixels {
  height: number;
  width: number;
  channels: number;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/**
 * The first `channels` samples of each of `pixels` pixels stored `samples` to a pixel (a
 * decoder's interleaved output with alpha or extra samples): colour kept, the rest dropped,
 * as sharp's removeAlpha gives the CLI.
 */
export function keepChannels(source: ArrayLike<number>, pixels: number, samples: number, channels: number, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  const data = bitDepth === 16 ? new Uint16Array(pixels * channels) : new Uint8Array(pixels * channels);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = source[i * samples + c]!;
  return data;
}

/** The image scaled to [0, 1] by its bit depth (255 or 65535). */
export function rawToImage(raw: RawPixels): Image2D {
  const scale = 1 / (raw.bitDepth === 16 ? 65535 : 255);
  const data = new Float32Array(raw.data.length);
  for (let i = 0; i < data.length; i++) data[i] = raw.data[i]! * scale;
  return { height: raw.height, width: raw.width, channels: raw.channels, data };
}

/**
 * A mask's values, one per pixel. A colour file whose channels are all equal is accepted as
 * gray; a truly coloured mask is an error naming `path` (no palette mapping).
 */
export function grayMaskValues(raw: RawPixels, path: string): RawPixels {
  if (raw.channels === 1) return raw;
  const n = raw.height * raw.width;
  const out = raw.bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = raw.data[i * raw.channels]!;
    for (let c = 1; c < raw.channels; c++) {
      if (raw.data[i * raw.channels + c] !== v) {
        throw new DataError(path, `mask has ${raw.channels} differing colour channels; a gray mask of class values is expected`);
      }
    }
    out[i] = v;
  }
  return { ...raw, channels: 1, data: out };
}
