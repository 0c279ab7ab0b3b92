// Small generated data sets for the planner's tests: discs of a chosen size on a noisy
// background (objects apart), and sheets of square "cells" split by thin membranes (touching
// objects, the ISBI 2012 situation), with masks written as 255 = cell, 0 = membrane.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeImagePng, writeMaskPng } from '../../../src/data/image-io.ts';
import { Random } from '../../../src/data/random.ts';
import type { Sample } from '../../../src/data/types.ts';

/** `count` images of size x size, each with discs of radius in [rMin, rMax] kept `apart` px from each other. */
export function discs({ count, size, rMin, rMax, apart = 6, seed = 1 }: { count: number; size: number; rMin: number; rMax: number; apart?: number; seed?: number }): Sample[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, (_, n) => {
    const placed: { x: number; y: number; r: number }[] = [];
    for (let attempt = 0; attempt < 300 && placed.length < 12; attempt++) {
      const r = rng.uniform(rMin, rMax);
      const x = rng.uniform(r, size - r);
      const y = rng.uniform(r, size - r);
      if (placed.every((p) => Math.hypot(p.x - x, p.y - y) > p.r + r + apart)) placed.push({ x, y, r });
    }
    const image = new Float32Array(size * size);
    const mask = new Uint8Array(size * size);
    for (let i = 0; i < image.length; i++) {
      const x = i % size;
      const y = Math.floor(i / size);
      const inside = placed.some((p) => Math.hypot(p.x - x, p.y - y) <= p.r);
      mask[i] = inside ? 1 : 0;
      image[i] = (inside ? 0.7 : 0.2) + rng.normal(0, 0.05);
    }
    return { name: `d${n}`, image: { height: size, width: size, channels: 1, data: image }, mask: { height: size, width: size, data: mask } };
  });
}

/**
 * Sheets of square cells `cell` px wide separated by membranes `membrane` px thick (class 0),
 * the cells class 1: every cell touches its neighbours across a thin membrane.
 */
export function cellSheets({ count, size, cell, membrane, seed = 1 }: { count: number; size: number; cell: number; membrane: number; seed?: number }): Sample[] {
  const rng = new Random(seed);
  const period = cell + membrane;
  return Array.from({ length: count }, (_, n) => {
    const shift = rng.int(period);
    const image = new Float32Array(size * size);
    const mask = new Uint8Array(size * size);
    for (let i = 0; i < image.length; i++) {
      const x = (i % size) + shift;
      const y = Math.floor(i / size) + shift;
      const isMembrane = x % period < membrane || y % period < membrane;
      mask[i] = isMembrane ? 0 : 1;
      image[i] = (isMembrane ? 0.15 : 0.6) + rng.normal(0, 0.05);
    }
    return { name: `c${n}`, image: { height: size, width: size, channels: 1, data: image }, mask: { height: size, width: size, data: mask } };
  });
}

/** Writes samples as dir/images/NAME.png and dir/masks/NAME.png, class k stored as values[k]. */
export async function writeFolder(dir: string, samples: readonly Sample[], values: readonly number[]): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  for (const s of samples) {
    await writeImagePng(join(dir, 'images', `${s.name}.png`), s.image);
    await writeMaskPng(join(dir, 'masks', `${s.name}.png`), s.mask, values);
  }
}
