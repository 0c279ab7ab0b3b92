// Tiny generated image/mask folders for the train.py tests (PNG via sharp).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Random } from '../../../src/data/random.ts';

/**
 * Writes `count` 16x16 grey image/mask pairs to DIR/images and DIR/masks as NAME<i>.png;
 * `pairFor(random)` returns, for one pair, pixel k's [image value, mask value].
 */
async function writePairs(dir: string, count: number, seed: number, name: string, pairFor: (random: Random) => (k: number) => [number, number]): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  const random = new Random(seed);
  const raw = { raw: { width: 16, height: 16, channels: 1 as const } };
  for (let i = 0; i < count; i++) {
    const image = Buffer.alloc(256);
    const mask = Buffer.alloc(256);
    const pixel = pairFor(random);
    for (let k = 0; k < 256; k++) [image[k], mask[k]] = pixel(k);
    await sharp(image, raw).png().toFile(join(dir, 'images', `${name}${i}.png`));
    await sharp(mask, raw).png().toFile(join(dir, 'masks', `${name}${i}.png`));
  }
}

/** 16x16 grey images with a bright square, masks 0/255 where the square is. */
export function writeData(dir: string, count: number, seed = 5): Promise<void> {
  return writePairs(dir, count, seed, 'img', (random) => {
    const [y0, x0] = [Math.floor(random.uniform(0, 8)), Math.floor(random.uniform(0, 8))];
    return (k) => {
      const inside = Math.floor(k / 16) - y0 in [0, 1, 2, 3, 4, 5] && (k % 16) - x0 in [0, 1, 2, 3, 4, 5];
      return [Math.floor(random.uniform(0, 60)) + (inside ? 150 : 0), inside ? 255 : 0];
    };
  });
}

/**
 * 16x16 grey "EM slices": four touching cells (255) separated by one-pixel dark membranes (0)
 * at random positions, the case the U-Net weight map is for.
 */
export function writeCells(dir: string, count: number, seed = 6): Promise<void> {
  return writePairs(dir, count, seed, 'slice', (random) => {
    const [row, column] = [4 + Math.floor(random.uniform(0, 8)), 4 + Math.floor(random.uniform(0, 8))];
    return (k) => {
      const membrane = Math.floor(k / 16) === row || k % 16 === column;
      return [Math.floor(random.uniform(0, 50)) + (membrane ? 20 : 160), membrane ? 0 : 255];
    };
  });
}
