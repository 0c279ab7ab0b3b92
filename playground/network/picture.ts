// Images in and out of the page: a PNG or JPEG decoded by the browser, a TIFF by tiff.ts, into
// the CLI's Image2D (values in [0, 1], as `unet predict` reads them with sharp), and Image2D or
// a mask drawn onto a canvas.
import type { Image2D, Mask2D } from '../../src/data/types.ts';
import { decodeTiff, isTiff } from './tiff.ts';

/**
 * The file's pixels: one channel when every pixel is gray (R = G = B), as sharp reads a gray
 * PNG, else three. Colour management is off so the bytes are the file's, not a display's.
 */
export async function decodeImage(file: Blob, name = file instanceof File ? file.name : 'image'): Promise<Image2D> {
  // By content, not by name: a .tif renamed .png is still a TIFF to sharp.
  if (isTiff(new Uint8Array(await file.slice(0, 4).arrayBuffer()))) return decodeTiff(new Uint8Array(await file.arrayBuffer()), name);
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const n = bitmap.width * bitmap.height;
  let gray = true;
  for (let i = 0; i < n && gray; i++) gray = rgba[i * 4] === rgba[i * 4 + 1] && rgba[i * 4] === rgba[i * 4 + 2];
  const channels = gray ? 1 : 3;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[i * 4 + c] / 255;
  return { height: bitmap.height, width: bitmap.width, channels, data };
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
