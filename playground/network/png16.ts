// 16-bit PNGs in the page. A browser decodes every PNG to 8 bits a channel (a canvas holds no
// more), so a 16-bit image would reach the network rounded to 256 levels, and a 16-bit mask's
// class values 0, 1, 2 ... would all read 0. These files go through image-js' pure-JS decoder
// (`fast-png`) instead, into the same RawPixels as the CLI's reader (src/data/image-io.ts,
// sharp): the file's 16-bit samples, one channel for gray and three for RGB, alpha dropped.
// 8-bit PNGs stay with the browser's decoder. test/playground/png16.test.ts checks the values
// against readRaw.
import { decode } from 'fast-png';
import { keepChannels, type RawPixels } from '../../src/data/raw-pixels.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * True for a PNG of 16 bits a sample, read from its header: the signature (8 bytes), then the
 * IHDR chunk (length, "IHDR", width, height), whose next byte is the bit depth (byte 24).
 * Needs the file's first 25 bytes.
 */
export function isPng16(head: Uint8Array): boolean {
  return head.length >= 25 && SIGNATURE.every((b, i) => head[i] === b) && head[24] === 16;
}

/** The samples of a 16-bit PNG, alpha dropped (gray + alpha: 1 channel; RGBA: 3), as readRaw gives them. */
export function decodePng16(bytes: Uint8Array, name: string): RawPixels {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new Error(`${name}: unreadable PNG (${(error as Error).message})`);
  }
  const channels = png.channels >= 3 ? 3 : 1;
  const data = keepChannels(png.data, png.width * png.height, png.channels, channels, 16);
  return { height: png.height, width: png.width, channels, bitDepth: 16, data };
}
