// TIFF images in the page (browsers cannot decode TIFF): image-js' pure-JS decoder (`tiff`),
// then the same checks and conversion to [0, 1] as the CLI's reader (src/data/image-io.ts,
// sharp): the first page, 8 or 16 bit unsigned, one channel for gray and three for RGB,
// alpha and other extra samples dropped; WhiteIsZero comes inverted from the decoder, as
// libvips reads it. test/playground/tiff.test.ts checks the values against readRaw.
import { decode, type TiffIfd } from 'tiff';
import { keepChannels, type RawPixels } from '../../src/data/raw-pixels.ts';

// TIFF 6.0, PhotometricInterpretation: 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette.
const GRAY = [0, 1];
const RGB = 2;

/** True when the bytes start like a TIFF file (`II*\0` little- or `MM\0*` big-endian). */
export function isTiff(bytes: Uint8Array): boolean {
  const le = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0;
  const be = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42;
  return le || be;
}

/** The first page's pixels as integers, with the colour samples only (1 gray or 3 RGB). */
function rawPixels(page: TiffIfd, name: string): RawPixels {
  const bitDepth = page.bitsPerSample;
  // Sample format 1 (unsigned integers) is the default; floats and signed integers are refused, as by the CLI.
  if ((bitDepth !== 8 && bitDepth !== 16) || (page.sampleFormat !== undefined && page.sampleFormat !== 1)) {
    throw new Error(`${name}: unsupported pixel format (${bitDepth} bit, sample format ${page.sampleFormat}): 8 or 16 bit unsigned integers expected`);
  }
  if (!GRAY.includes(page.type) && page.type !== RGB) {
    throw new Error(`${name}: a TIFF of photometric interpretation ${page.type} (palette or other); save it as gray or RGB`);
  }
  const channels = GRAY.includes(page.type) ? 1 : 3;
  const data = keepChannels(page.data as Uint8Array | Uint16Array, page.width * page.height, page.samplesPerPixel, channels, bitDepth);
  return { height: page.height, width: page.width, channels, bitDepth, data };
}

/** The first page of a TIFF file as integers at its bit depth, as the CLI's readRaw gives them. */
export function decodeTiffPixels(bytes: Uint8Array, name: string): RawPixels {
  let page: TiffIfd | undefined;
  try {
    [page] = decode(bytes, { pages: [0] });
  } catch (error) {
    throw new Error(`${name}: unreadable TIFF (${(error as Error).message})`);
  }
  if (!page) throw new Error(`${name}: a TIFF without pages`);
  return rawPixels(page, name);
}
