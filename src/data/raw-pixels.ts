// Raw integer pixels -> an Image2D in [0, 1]: the one conversion every image reader shares
// (src/data/image-io.ts with sharp in the CLI, the playground's TIFF decoder in the browser),
// so the same file gives the network the same input values everywhere. Browser-safe.
import type { Image2D } from './types.ts';

/** Raw pixel values of one image file or page: HWC, alpha dropped, at the file's bit depth. */
export interface RawPixels {
  height: number;
  width: number;
  channels: number;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/** The pixels scaled to [0, 1] by their bit depth (255 or 65535). */
export function unitImage(raw: RawPixels): Image2D {
  const scale = 1 / (raw.bitDepth === 16 ? 65535 : 255);
  const data = new Float32Array(raw.data.length);
  for (let i = 0; i < data.length; i++) data[i] = raw.data[i] * scale;
  return { height: raw.height, width: raw.width, channels: raw.channels, data };
}
