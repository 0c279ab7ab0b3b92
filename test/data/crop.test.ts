import { describe, expect, it } from 'vitest';
import { randomCrop } from '../../src/data/crop.ts';
import { Random } from '../../src/data/random.ts';
import type { Sample } from '../../src/data/types.ts';

/** Image value = y * 100 + x, mask = (y + x) % 2 so positions can be read back. */
function coords(h: number, w: number): Sample {
  return {
    name: 'c',
    image: { height: h, width: w, channels: 1, data: Float32Array.from({ length: h * w }, (_, i) => Math.floor(i / w) * 100 + (i % w)) },
    mask: { height: h, width: w, data: Uint8Array.from({ length: h * w }, (_, i) => (Math.floor(i / w) + (i % w)) % 2) },
  };
}

describe('randomCrop', () => {
  it('mask window is the centred output window of the image window', () => {
    const s = coords(30, 40);
    const rng = new Random(1);
    for (let k = 0; k < 20; k++) {
      const c = randomCrop(s, 16, 8, rng);
      expect([c.image.height, c.image.width, c.mask.height, c.mask.width]).toEqual([16, 16, 8, 8]);
      // Image pixel (4, 4) of the crop is mask pixel (0, 0): same source position.
      const v = c.image.data[4 * 16 + 4];
      const [y, x] = [Math.floor(v / 100), v % 100];
      expect(c.mask.data[0]).toBe((y + x) % 2);
      // The output window lies inside the image (no invented labels).
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y + 8).toBeLessThanOrEqual(30);
    }
  });

  it('takes rectangular windows, each axis with its own margin', () => {
    const s = coords(30, 40);
    const rng = new Random(2);
    for (let k = 0; k < 20; k++) {
      const c = randomCrop(s, [12, 20], [4, 10], rng);
      expect([c.image.height, c.image.width, c.mask.height, c.mask.width]).toEqual([12, 20, 4, 10]);
      // Margins 4 (rows) and 5 (columns): image pixel (4, 5) is mask pixel (0, 0).
      const v = c.image.data[4 * 20 + 5];
      const [y, x] = [Math.floor(v / 100), v % 100];
      expect(c.mask.data[0]).toBe((y + x) % 2);
      expect(c.mask.data[1]).toBe((y + x + 1) % 2);
      expect(x + 10).toBeLessThanOrEqual(40);
    }
    expect(() => randomCrop(s, [12, 20], [4, 11], new Random(3))).toThrow(/20 and output window 11/);
  });

  it('mirror-pads an image smaller than the window', () => {
    const s = coords(3, 3);
    const c = randomCrop(s, 7, 7, new Random(0));
    // Centred: row -2..4 -> mirrored rows 2 1 0 1 2 1 0.
    expect(Array.from(c.image.data.slice(0, 7))).toEqual([202, 201, 200, 201, 202, 201, 200]);
  });

  it('same seed same crop; refuses an odd margin', () => {
    const s = coords(20, 20);
    expect(randomCrop(s, 12, 4, new Random(3))).toEqual(randomCrop(s, 12, 4, new Random(3)));
    expect(() => randomCrop(s, 12, 5, new Random(3))).toThrow(/even/);
  });
});
