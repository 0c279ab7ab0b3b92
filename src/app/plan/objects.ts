// Object measurements of one mask for `unet plan` (fingerprint.ts): the connected components
// of the object class (sizes), how thick the other class is where it separates them (the
// distance transform's ridge), and how close each object comes to its nearest neighbour.
import { connectedComponents } from '../../data/components.ts';
import { squaredDistanceTransform } from '../../data/edt.ts';
import type { Mask2D } from '../../data/types.ts';

/** Gaps wider than this are not looked for (the nearest-neighbour gap is then Infinity). */
export const GAP_SEARCH = 16;

export interface MaskObjects {
  /** Pixel area of each object (a 4-connected component of the object class). */
  areas: number[];
  /** Thickness (px) of the other class at each ridge pixel of its distance transform. */
  thickness: number[];
  /** Per object, the width in pixels of the narrowest gap to another object (Infinity beyond GAP_SEARCH). */
  gaps: number[];
}

/**
 * Thickness of the non-object class along its medial ridge: a pixel whose distance d to the
 * nearest object is a local maximum (4-neighbours) lies mid-way across, so the class is
 * about 2d - 1 pixels thick there (1 for a one-pixel membrane).
 */
function ridgeThickness(mask: Mask2D, objectClass: number): number[] {
  const { height, width, data } = mask;
  const sq = squaredDistanceTransform(Uint8Array.from(data, (k) => (k === objectClass ? 1 : 0)), height, width);
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = sq[y * width + x];
      if (d === 0 || d === Infinity) continue;
      const lower = (yy: number, xx: number) => yy < 0 || yy >= height || xx < 0 || xx >= width || sq[yy * width + xx] <= d;
      if (lower(y - 1, x) && lower(y + 1, x) && lower(y, x - 1) && lower(y, x + 1)) out.push(2 * Math.sqrt(d) - 1);
    }
  }
  return out;
}

/** Bounding box of each label 1..count. */
function boxes(labels: Int32Array, count: number, width: number): { y0: number; y1: number; x0: number; x1: number }[] {
  const out = Array.from({ length: count + 1 }, () => ({ y0: Infinity, y1: -1, x0: Infinity, x1: -1 }));
  for (let i = 0; i < labels.length; i++) {
    const b = out[labels[i]];
    const y = Math.floor(i / width);
    const x = i % width;
    b.y0 = Math.min(b.y0, y);
    b.y1 = Math.max(b.y1, y);
    b.x0 = Math.min(b.x0, x);
    b.x1 = Math.max(b.x1, x);
  }
  return out;
}

/**
 * Per object, the narrowest gap to any other: the distance transform of the object in its
 * box grown by GAP_SEARCH, read at the other objects' pixels (a distance of 1 = adjacent,
 * a gap of 0 pixels; two cells split by a one-pixel membrane are 2 apart, a gap of 1).
 */
function nearestGaps(labels: Int32Array, count: number, height: number, width: number): number[] {
  const gaps = new Array<number>(count).fill(Infinity);
  const all = boxes(labels, count, width);
  for (let label = 1; label <= count; label++) {
    const box = all[label];
    const y0 = Math.max(0, box.y0 - GAP_SEARCH);
    const y1 = Math.min(height - 1, box.y1 + GAP_SEARCH);
    const x0 = Math.max(0, box.x0 - GAP_SEARCH);
    const x1 = Math.min(width - 1, box.x1 + GAP_SEARCH);
    const bh = y1 - y0 + 1;
    const bw = x1 - x0 + 1;
    const feature = new Uint8Array(bh * bw);
    for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) feature[y * bw + x] = labels[(y + y0) * width + x + x0] === label ? 1 : 0;
    const sq = squaredDistanceTransform(feature, bh, bw);
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        const other = labels[(y + y0) * width + x + x0];
        if (other === 0 || other === label) continue;
        const gap = Math.sqrt(sq[y * bw + x]) - 1;
        if (gap <= GAP_SEARCH) gaps[label - 1] = Math.min(gaps[label - 1], gap);
      }
    }
  }
  return gaps;
}

/** Areas, separator thickness and neighbour gaps of the objects (class `objectClass`) of one mask. */
export function measureObjects(mask: Mask2D, objectClass: number): MaskObjects {
  const { labels, count } = connectedComponents(mask.height, mask.width, (i) => mask.data[i] === objectClass);
  const areas = new Array<number>(count).fill(0);
  for (const l of labels) if (l > 0) areas[l - 1]++;
  return { areas, thickness: ridgeThickness(mask, objectClass), gaps: nearestGaps(labels, count, mask.height, mask.width) };
}

/** Number of objects of each class in a mask: which class forms objects (many) and which the background (few, large). */
export function componentCounts(mask: Mask2D, classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => connectedComponents(mask.height, mask.width, (i) => mask.data[i] === k).count);
}
