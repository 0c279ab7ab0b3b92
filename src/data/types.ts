// Backend-neutral data types: plain typed arrays, so the data pipeline never depends on tfjs.

/** A 2D image, channel-last (HWC), row-major; values are floats, usually in [0, 1]. */
export interface Image2D {
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** A 2D label image: one class index per pixel, row-major. */
export interface Mask2D {
  height: number;
  width: number;
  data: Uint8Array;
}

/** One training or validation example. */
export interface Sample {
  name: string;
  image: Image2D;
  mask: Mask2D;
}
