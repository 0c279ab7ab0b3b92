// Tiny generated image/mask folders for the train.py tests (PNG via sharp).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Random } from '../../src/data/random.ts';

/** 16x16 grey images with a bright square, masks 0/255 where the square is. */
export async function writeData(dir: string, count: number, seed = 5): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  const random = new Random(seed);
  for (let i = 0; i < count; i++) {
    const image = Buffer.alloc(256);
    const mask = Buffer.alloc(256);
    const [y0, x0] = [Math.floor(random.uniform(0, 8)), Math.floor(random.uniform(0, 8))];
    for (let k = 0; k < 256; k++) {
      const inside = Math.floor(k / 16) - y0 in [0, 1, 2, 3, 4, 5] && (k % 16) - x0 in [0, 1, 2, 3, 4, 5];
      image[k] = Math.floor(random.uniform(0, 60)) + (inside ? 150 : 0);
      mask[k] = inside ? 255 : 0;
    }
    const raw = { raw: { width: 16, height: 16, channels: 1 as const } };
    await sharp(image, raw).png().toFile(join(dir, 'images', `img${i}.png`));
    await sharp(mask, raw).png().toFile(join(dir, 'masks', `img${i}.png`));
  }
}

/**
 * 16x16 grey "EM slices": four touching cells (255) separated by one-pixel dark membranes (0)
 * at random positions, the case the U-Net weight map is for.
 */
export async function writeCells(dir: string, count: number, seed = 6): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  const random = new Random(seed);
  for (let i = 0; i < count; i++) {
    const image = Buffer.alloc(256);
    const mask = Buffer.alloc(256);
    const [row, column] = [4 + Math.floor(random.uniform(0, 8)), 4 + Math.floor(random.uniform(0, 8))];
    for (let k = 0; k < 256; k++) {
      const membrane = Math.floor(k / 16) === row || k % 16 === column;
      image[k] = Math.floor(random.uniform(0, 50)) + (membrane ? 20 : 160);
      mask[k] = membrane ? 0 : 255;
    }
    const raw = { raw: { width: 16, height: 16, channels: 1 as const } };
    await sharp(image, raw).png().toFile(join(dir, 'images', `slice${i}.png`));
    await sharp(mask, raw).png().toFile(join(dir, 'masks', `slice${i}.png`));
  }
}
