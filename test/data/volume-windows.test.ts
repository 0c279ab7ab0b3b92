// Volume crops line up (image and mask windows at the same place), volume augmentation keeps
// image and mask aligned, and overlap-tile inference of volumes: same padding blends back to
// the whole-volume output, valid padding writes every voxel from its own context whatever
// the tile size.
import { describe, expect, it } from 'vitest';
import { augmentVolume } from '../../src/data/augment-volume.ts';
import { cropVolume, randomVolumeCrop } from '../../src/data/crop-volume.ts';
import { Random } from '../../src/data/random.ts';
import { predictTiled, type RunTile } from '../../src/data/tiling.ts';
import type { Volume, VolumeSample } from '../../src/data/types.ts';
import type { AugmentConfig } from '../../src/language/ir/types.ts';

/** Image value = z * 10000 + y * 100 + x, mask = (z + y + x) % 2, so positions can be read back. */
function coords(d: number, h: number, w: number): VolumeSample {
  const n = d * h * w;
  const at = (i: number) => [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
  return {
    name: 'c',
    image: { depth: d, height: h, width: w, channels: 1, data: Float32Array.from({ length: n }, (_, i) => { const [z, y, x] = at(i); return z * 10000 + y * 100 + x; }) },
    mask: { depth: d, height: h, width: w, data: Uint8Array.from({ length: n }, (_, i) => at(i).reduce((a, b) => a + b) % 2) },
  };
}

const decode = (v: number) => [Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100];

function randomVolume(d: number, h: number, w: number, c: number, seed: number): Volume {
  const rng = new Random(seed);
  return { depth: d, height: h, width: w, channels: c, data: Float32Array.from({ length: d * h * w * c }, () => rng.uniform()) };
}

describe('randomVolumeCrop', () => {
  it('the mask window is the centred output window of the volume window, inside the volume', () => {
    const s = coords(12, 14, 16);
    const rng = new Random(1);
    for (let k = 0; k < 20; k++) {
      const c = randomVolumeCrop(s, [10, 12, 8], [4, 6, 2], rng);
      expect([c.image.depth, c.image.height, c.image.width, c.mask.depth, c.mask.height, c.mask.width]).toEqual([10, 12, 8, 4, 6, 2]);
      // Margins 3, 3, 3: image voxel (3, 3, 3) of the crop is mask voxel (0, 0, 0).
      const [z, y, x] = decode(c.image.data[(3 * 12 + 3) * 8 + 3]);
      expect(c.mask.data[0]).toBe((z + y + x) % 2);
      expect(c.mask.data[1]).toBe((z + y + x + 1) % 2);
      expect([z >= 0 && z + 4 <= 12, y >= 0 && y + 6 <= 14, x >= 0 && x + 2 <= 16]).toEqual([true, true, true]);
    }
    expect(() => randomVolumeCrop(s, [10, 12, 8], [4, 5, 2], new Random(2))).toThrow(/12 and output window 5/);
  });

  it('mirrors outside the volume on every axis', () => {
    const s = coords(3, 3, 3);
    const c = cropVolume(s.image, [-2, -2, -2], [7, 7, 7]);
    // Along x at z = y = -2 -> mirrored 2: values 2 1 0 1 2 1 0 in x.
    expect(Array.from(c.data.slice(0, 7))).toEqual([20202, 20201, 20200, 20201, 20202, 20201, 20200]);
  });
});

describe('augmentVolume', () => {
  it('flips and in-plane quarter turns move image and mask together and keep every voxel', () => {
    const config: AugmentConfig = { elastic: null, flip: true, rotate90: true, rotate: 0, shift: 0, brightness: 0, contrast: 0, gamma: 0 };
    const s = coords(4, 5, 5);
    for (let seed = 0; seed < 8; seed++) {
      const a = augmentVolume(s, config, new Random(seed));
      a.image.data.forEach((v, i) => {
        const [z, y, x] = decode(Math.round(v));
        expect(a.mask.data[i]).toBe((z + y + x) % 2);
      });
      expect(Array.from(a.image.data).sort((p, q) => p - q)).toEqual(Array.from(s.image.data).sort((p, q) => p - q));
    }
  });
});

/** A fake same-padding network: per voxel, K = 2 outputs from the C = 2 inputs. */
const perVoxel = (a: number, b: number): [number, number] => [Math.tanh(a - b), a * b + 0.5];
const perVoxelNet: RunTile = async (tiles, n) => {
  const out = new Float32Array(tiles.length);
  for (let i = 0; i < tiles.length / 2; i++) out.set(perVoxel(tiles[2 * i], tiles[2 * i + 1]), 2 * i);
  return out;
};

/** A fake valid-padding network: each output voxel is its input window's centre voxel (channel 0), margin m. */
const centreNet =
  (inSize: number[], m: number): RunTile =>
  async (tiles, n) => {
    const [d, h, w] = inSize.map((s) => s - 2 * m);
    const out = new Float32Array(n * d * h * w);
    let o = 0;
    for (let t = 0; t < n; t++)
      for (let z = 0; z < d; z++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) out[o++] = tiles[t * inSize[0] * inSize[1] * inSize[2] + ((z + m) * inSize[1] + y + m) * inSize[2] + x + m];
    return out;
  };

describe('predictTiled on volumes', () => {
  it('same padding: tiled output equals the whole-volume output within 1e-4', async () => {
    const volume = randomVolume(9, 11, 13, 2, 1);
    const whole = await perVoxelNet(volume.data, 1);
    for (const blend of ['gaussian', 'linear'] as const) {
      const out = await predictTiled(volume, { padding: 'same', inputSize: [4, 6, 8], numClasses: 2, overlap: 2, blend }, perVoxelNet);
      out.forEach((v, i) => expect(Math.abs(v - whole[i])).toBeLessThan(1e-4));
    }
  });

  it('valid padding: every voxel comes from the tile centred on it, whatever the tile size', async () => {
    const s = coords(7, 9, 10);
    const m = 2;
    for (const out of [[2, 3, 4], [7, 9, 10], [3, 3, 3], [8, 12, 16]]) {
      let tiles = 0;
      const inSize = out.map((o) => o + 2 * m);
      const net = centreNet(inSize, m);
      const result = await predictTiled(
        s.image,
        { padding: 'valid', inputSize: inSize, outputSize: out, numClasses: 1, batchSize: 5 },
        (t, n) => ((tiles += n), net(t, n)),
      );
      expect(Array.from(result)).toEqual(Array.from(s.image.data));
      expect(tiles).toBe(Math.ceil(7 / out[0]) * Math.ceil(9 / out[1]) * Math.ceil(10 / out[2]));
    }
  });

  it('a window with the wrong number of axes is refused', async () => {
    await expect(predictTiled(randomVolume(4, 4, 4, 1, 2), { padding: 'same', inputSize: [4, 4], numClasses: 1 }, perVoxelNet)).rejects.toThrow(/2 axes, the data 3/);
  });
});
