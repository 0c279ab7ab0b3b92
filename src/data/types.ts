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

/**
 * A 3D image (a volume), channel-last (DHWC), row-major: slice 0 first, each slice as in
 * Image2D. Depth is the first spatial axis, as in the IR's [D, H, W] sizes.
 */
export interface Volume {
  depth: number;
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** A 3D label volume: one class index per voxel, slice by slice. */
export interface VolumeMask {
  depth: number;
  height: number;
  width: number;
  data: Uint8Array;
}

/** One training or validation example of a 3D network. */
export interface VolumeSample {
  name: string;
  image: Volume;
  mask: VolumeMask;
}
