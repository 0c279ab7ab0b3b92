import { describe, expect, it } from 'vitest';
import { cropImage } from '../../src/data/crop.ts';
import { Random } from '../../src/data/random.ts';
import { planSameAxis, planValidAxis, predictTiled, type RunTile } from '../../src/data/tiling.ts';
import type { Image2D } from '../../src/data/types.ts';

function randomImage(h: number, w: number, c: number, seed: number): Image2D {
  const rng = new Random(seed);
  return { height: h, width: w, channels: c, data: Float32Array.from({ length: h * w * c }, () => rng.uniform()) };
}

/** A fake same-padding network: per pixel, K = 2 outputs from the C = 2 inputs. */
const perPixel = (a: number, b: number): [number, number] => [Math.tanh(a - b), a * b + 0.5];
const perPixelNet =
  (inH: number, inW: number): RunTile =>
  async (tiles, n) => {
    const out = new Float32Array(n * inH * inW * 2);
    for (let i = 0; i < n * inH * inW; i++) out.set(perPixel(tiles[2 * i], tiles[2 * i + 1]), 2 * i);
    return out;
  };

/**
 * A fake valid-padding network: output (y, x) = mean of the (2m+1)^2 input window around the
 * corresponding input pixel (channel 0), and a second channel 1 - mean.
 */
const localMeanNet =
  (inSize: number, m: number): RunTile =>
  async (tiles, n) => {
    const outSize = inSize - 2 * m;
    const out = new Float32Array(n * outSize * outSize * 2);
    for (let t = 0; t < n; t++) {
      for (let y = 0; y < outSize; y++) {
        for (let x = 0; x < outSize; x++) {
          let s = 0;
          for (let dy = 0; dy <= 2 * m; dy++) for (let dx = 0; dx <= 2 * m; dx++) s += tiles[t * inSize * inSize + (y + dy) * inSize + x + dx];
          const mean = s / (2 * m + 1) ** 2;
          out.set([mean, 1 - mean], ((t * outSize + y) * outSize + x) * 2);
        }
      }
    }
    return out;
  };

/** The local mean computed on the whole mirror-padded image, without tiles. */
function wholeLocalMean(image: Image2D, m: number): Float32Array {
  const padded = cropImage(image, -m, -m, image.height + 2 * m, image.width + 2 * m);
  const out = new Float32Array(image.height * image.width * 2);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      let s = 0;
      for (let dy = 0; dy <= 2 * m; dy++) for (let dx = 0; dx <= 2 * m; dx++) s += padded.data[(y + dy) * padded.width + x + dx];
      const mean = s / (2 * m + 1) ** 2;
      out.set([mean, 1 - mean], (y * image.width + x) * 2);
    }
  }
  return out;
}

describe('tile plans', () => {
  it('valid: output windows cover every pixel exactly once, all inside the image', () => {
    for (const [size, window] of [[10, 4], [12, 4], [3, 8], [17, 5], [5, 5]]) {
      const count = new Array(size).fill(0);
      for (const t of planValidAxis(size, window)) {
        expect(t.from).toBeGreaterThanOrEqual(t.start);
        expect(t.to).toBeLessThanOrEqual(t.start + window);
        if (size >= window) expect(t.start + window).toBeLessThanOrEqual(size);
        for (let i = t.from; i < t.to; i++) count[i]++;
      }
      expect(count.every((c) => c === 1)).toBe(true);
    }
  });

  it('same: overlapping windows cover the image, the last ending at its border', () => {
    const tiles = planSameAxis(20, 8, 2);
    expect(tiles.map((t) => t.start)).toEqual([0, 6, 12]);
    expect(planSameAxis(5, 8, 2)).toEqual([{ start: 0, from: 0, to: 5 }]);
  });
});

describe('predictTiled', () => {
  it('same padding: tiled output equals the whole-image output (Gaussian and linear blending)', async () => {
    const image = randomImage(23, 30, 2, 1);
    const expected = new Float32Array(23 * 30 * 2);
    for (let i = 0; i < 23 * 30; i++) expected.set(perPixel(image.data[2 * i], image.data[2 * i + 1]), 2 * i);
    for (const blend of ['gaussian', 'linear'] as const) {
      const out = await predictTiled(image, { padding: 'same', inputSize: 8, numClasses: 2, overlap: 3, blend }, perPixelNet(8, 8));
      out.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
    }
    // An image smaller than the tile is mirror-padded into one tile.
    const small = await predictTiled(randomImage(5, 6, 2, 2), { padding: 'same', inputSize: 8, numClasses: 2 }, perPixelNet(8, 8));
    expect(small.length).toBe(5 * 6 * 2);
  });

  it('valid padding: equals the whole-image local mean and does not depend on the tile size', async () => {
    const image = randomImage(19, 26, 1, 3);
    const m = 2;
    const expected = wholeLocalMean(image, m);
    for (const outSize of [4, 7, 19, 32]) {
      let calls = 0;
      const net = localMeanNet(outSize + 2 * m, m);
      const counted: typeof net = (tiles, n) => {
        calls++;
        return net(tiles, n);
      };
      const out = await predictTiled(
        image,
        { padding: 'valid', inputSize: outSize + 2 * m, outputSize: outSize, numClasses: 2, batchSize: 3 },
        counted,
      );
      out.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
      const tiles = Math.ceil(19 / outSize) * Math.ceil(26 / outSize);
      expect(calls).toBe(Math.ceil(tiles / 3));
    }
  });

  it('checks the network output length and the window sizes', async () => {
    const image = randomImage(8, 8, 1, 4);
    await expect(
      predictTiled(image, { padding: 'same', inputSize: 8, numClasses: 2 }, async () => new Float32Array(3)),
    ).rejects.toThrow(/returned 3 values for 1 tiles, expected 128/);
    await expect(
      predictTiled(image, { padding: 'valid', inputSize: 9, outputSize: 4, numClasses: 1 }, async () => new Float32Array(0)),
    ).rejects.toThrow(/even/);
  });
});
