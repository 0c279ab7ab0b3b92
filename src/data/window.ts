// A window of a channel-last array with any number of spatial axes, mirrored beyond its
// borders (U-Net paper, Fig. 2): the one crop that volume crops and N-D tiling share.
import { mirrorIndex } from './resample.ts';

type Values = Float32Array | Uint8Array;

/** Element strides of each spatial axis of an array with `channels` values per position. */
export function strides(size: readonly number[], channels: number): number[] {
  const out = new Array<number>(size.length);
  let s = channels;
  for (let a = size.length - 1; a >= 0; a--) {
    out[a] = s;
    s *= size[a];
  }
  return out;
}

/**
 * Copies the window of `window` positions starting at `start` (per spatial axis, may lie
 * partly or wholly outside: mirrored) from `data` of spatial size `size`, channel-last.
 */
export function mirroredWindow<T extends Values>(data: T, size: readonly number[], channels: number, start: readonly number[], window: readonly number[]): T {
  const last = window.length - 1;
  const stride = strides(size, channels);
  const out = new (data.constructor as new (n: number) => T)(window.reduce((a, b) => a * b, channels));
  let o = 0;
  const walk = (axis: number, base: number): void => {
    for (let i = 0; i < window[axis]; i++) {
      const src = base + mirrorIndex(start[axis] + i, size[axis]) * stride[axis];
      if (axis < last) {
        walk(axis + 1, src);
        continue;
      }
      for (let ch = 0; ch < channels; ch++) out[o++] = data[src + ch];
    }
  };
  walk(0, 0);
  return out;
}
