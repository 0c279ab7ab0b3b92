// Images in and out of the page: a PNG or JPEG decoded by the browser, a 16-bit PNG by
// png16.ts and a TIFF by tiff.ts, into the CLI's RawPixels (the file's integers) and from there
// into Image2D (values in [0, 1]) or mask values by the CLI's own functions (src/data/raw-pixels.ts),
// as `unet predict` and `unet train` read files with sharp; and Image2D or a mask drawn onto a canvas.
import { keepChannels, rawToImage, type RawPixels } from '../../src/data/raw-pixels.ts';
import type { Image2D, Mask2D } from '../../src/data/types.ts';
import { decodePng16, isPng16 } from './png16.ts';
import { decodeTiffPixels, isTiff } from './tiff.ts';

/**
 * The file's pixels as integers at its bit depth. A TIFF and a 16-bit PNG keep the file's
 * channels and depth; what the browser decodes (8-bit PNG, JPEG) has one channel when every
 * pixel is gray (R = G = B), as sharp reads a gray file, else three. Colour management is off
 * so the bytes are the file's, not a display's.
 */
export async function decodePixels(file: Blob, name = file instanceof File ? file.name : 'image'): Promise<RawPixels> {
  // By content, not by name: a .tif renamed .png is still a TIFF to sharp.
  const head = new Uint8Array(await file.slice(0, 25).arrayBuffer());
  if (isTiff(head)) return decodeTiffPixels(new Uint8Array(await file.arrayBuffer()), name);
  if (isPng16(head)) return decodePng16(new Uint8Array(await file.arrayBuffer()), name);
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const n = bitmap.width * bitmap.height;
  let gray = true;
  for (let i = 0; i < n && gray; i++) gray = rgba[i * 4] === rgba[i * 4 + 1] && rgba[i * 4] === rgba[i * 4 + 2];
  const channels = gray ? 1 : 3;
  return { height: bitmap.height, width: bitmap.width, channels, bitDepth: 8, data: keepChannels(rgba, n, 4, channels, 8) };
}

/** The file's pixels in [0, 1] (scaled by 255 or 65535), as `unet predict` reads an image. */
export async function decodeImage(file: Blob, name = file instanceof File ? file.name : 'image'): Promise<Image2D> {
  return rawToImage(await decodePixels(file, name));
}

/** Draws a gray or colour image (values clamped to [0, 1]) onto the canvas, resized to it. */
export function drawImage(canvas: HTMLCanvasElement, image: Image2D): void {
  const pixels = new ImageData(image.width, image.height);
  for (let i = 0; i < image.height * image.width; i++) {
    for (let c = 0; c < 3; c++) {
      const v = image.data[i * image.channels + (image.channels === 3 ? c : 0)];
      pixels.data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    pixels.data[i * 4 + 3] = 255;
  }
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

/** Draws a mask with class k as gray k / (K - 1), the values `unet predict` writes (0 and 255 for two classes). */
export function drawMask(canvas: HTMLCanvasElement, mask: Mask2D, classes: number): void {
  const data = Float32Array.from(mask.data, (k) => k / Math.max(classes - 1, 1));
  drawImage(canvas, { height: mask.height, width: mask.width, channels: 1, data });
}
