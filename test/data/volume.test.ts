// Volumes on disk (multi-page TIFF, one page per slice), folders of volumes for 3D networks,
// builtin:ellipsoids, and the errors that name the file: 2D data for a 3D network and the
// other way round, mismatched sizes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFolderDataset } from '../../src/data/dataset.ts';
import { makeEllipsoids } from '../../src/data/ellipsoids.ts';
import { DataError } from '../../src/data/errors.ts';
import { Random } from '../../src/data/random.ts';
import type { Volume, VolumeMask } from '../../src/data/types.ts';
import { loadVolumeDataset } from '../../src/data/volume-dataset.ts';
import { readMaskVolumePages, readVolume, writeMaskVolumeTiff, writeVolumeTiff } from '../../src/data/volume-io.ts';
import { tempDir, writeBinary, writeGray, writeStack } from './helpers.ts';

function randomVolume(d: number, h: number, w: number, c: number, seed: number): Volume {
  const rng = new Random(seed);
  return { depth: d, height: h, width: w, channels: c, data: Float32Array.from({ length: d * h * w * c }, () => rng.uniform()) };
}

function stripes(d: number, h: number, w: number): VolumeMask {
  return { depth: d, height: h, width: w, data: Uint8Array.from({ length: d * h * w }, (_, i) => (i % 3 === 0 ? 1 : 0)) };
}

/** A folder of n volumes (images/ + masks/) of d pages of h x w. */
async function volumeFolder(n: number, d: number, h: number, w: number): Promise<string> {
  const dir = tempDir();
  for (let i = 0; i < n; i++) {
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'masks'), { recursive: true });
    await writeVolumeTiff(join(dir, 'images', `v${i}.tif`), randomVolume(d, h, w, 1, i));
    await writeMaskVolumeTiff(join(dir, 'masks', `v${i}.tif`), stripes(d, h, w), [0, 255]);
  }
  return dir;
}

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('volume TIFF files', () => {
  it('round trip: pages are slices, gray and RGB, values within one 8-bit step', async () => {
    const dir = tempDir();
    for (const channels of [1, 3]) {
      const volume = randomVolume(5, 4, 6, channels, channels);
      const path = join(dir, `v${channels}.tif`);
      await writeVolumeTiff(path, volume);
      const back = await readVolume(path);
      expect([back.depth, back.height, back.width, back.channels]).toEqual([5, 4, 6, channels]);
      back.data.forEach((v, i) => expect(Math.abs(v - volume.data[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-6));
    }
    const mask = stripes(3, 2, 5);
    await writeMaskVolumeTiff(join(dir, 'm.tif'), mask, [0, 255]);
    const pages = await readMaskVolumePages(join(dir, 'm.tif'));
    expect(pages).toHaveLength(3);
    expect(pages.flatMap((p) => Array.from(p.data))).toEqual(Array.from(mask.data, (k) => (k ? 255 : 0)));
  });
});

describe('loadVolumeDataset', () => {
  it('images/ + masks/ of multi-page TIFFs: one volume per file, 0/255 -> classes 0/1', async () => {
    const samples = await loadVolumeDataset(await volumeFolder(2, 4, 3, 5));
    expect(samples.map((s) => s.name)).toEqual(['v0', 'v1']);
    expect([samples[0].image.depth, samples[0].image.height, samples[0].image.width]).toEqual([4, 3, 5]);
    expect(samples[1].mask.data).toEqual(stripes(4, 3, 5).data);
  });

  it('an ISBI-style pair of stacks is one volume for a 3D network, many slices for a 2D one', async () => {
    const dir = tempDir();
    const pages = [0, 1, 2].map((p) => [p, 10, 20, 30, 40, 50]);
    await writeStack(join(dir, 'train-volume.tif'), 3, 2, pages);
    await writeStack(join(dir, 'train-labels.tif'), 3, 2, pages.map((p) => p.map((v) => (v > 15 ? 255 : 0))));
    const volumes = await loadVolumeDataset(dir);
    expect(volumes.map((v) => [v.name, v.image.depth])).toEqual([['train-volume', 3]]);
    expect((await loadFolderDataset(dir)).map((s) => s.name)).toEqual(['0', '1', '2']);
  });

  it('a volume and a mask of different sizes: the mask file is named with both sizes', async () => {
    const dir = await volumeFolder(2, 4, 3, 5);
    await writeMaskVolumeTiff(join(dir, 'masks', 'v1.tif'), stripes(3, 3, 5), [0, 255]);
    const err = await dataError(loadVolumeDataset(dir));
    expect(err.message).toContain(join(dir, 'masks', 'v1.tif'));
    expect(err.message).toMatch(/mask volume is 5x3x3 .* is 5x3x4/);
  });

  it('2D images for a 3D network, and volumes for a 2D network, are refused by name', async () => {
    const flat = tempDir();
    await writeGray(join(flat, 'images', 'a.png'), 3, 2, [0, 50, 100, 150, 200, 250]);
    await writeBinary(join(flat, 'masks', 'a.png'), 3, 2, [1, 0, 1, 0, 1, 0]);
    const err = await dataError(loadVolumeDataset(flat));
    expect(err.message).toContain(join(flat, 'images', 'a.png'));
    expect(err.message).toMatch(/single 2D image .* 3D network takes volumes/);

    const volumes = await volumeFolder(1, 4, 3, 5);
    const err2 = await dataError(loadFolderDataset(volumes));
    expect(err2.message).toContain(join(volumes, 'images', 'v0.tif'));
    expect(err2.message).toMatch(/has 4 pages, a volume: a 2D network takes 2D images/);
  });

  it('an unknown mask value is named by file and page', async () => {
    const dir = await volumeFolder(1, 3, 2, 2);
    const mask = stripes(3, 2, 2);
    mask.data[5] = 2;
    await writeMaskVolumeTiff(join(dir, 'masks', 'v0.tif'), mask, [0, 255, 7]);
    const err = await dataError(loadVolumeDataset(dir, { maskValues: [0, 255] }));
    expect(err.message).toContain(`${join(dir, 'masks', 'v0.tif')} (page 1)`);
    expect(err.message).toMatch(/mask value 7 at row 0, column 1/);
  });
});

describe('builtin:ellipsoids', () => {
  it('is deterministic, has foreground in every volume and is not all foreground', () => {
    const a = makeEllipsoids({ count: 4, size: 12, seed: 5 });
    const b = makeEllipsoids({ count: 4, size: 12, seed: 5 });
    expect(a.map((s) => s.image.data)).toEqual(b.map((s) => s.image.data));
    for (const s of a) {
      const fg = s.mask.data.reduce((n, v) => n + v, 0);
      expect(fg).toBeGreaterThan(0);
      expect(fg).toBeLessThan(s.mask.data.length / 2);
      expect([s.image.depth, s.image.height, s.image.width, s.image.channels]).toEqual([12, 12, 12, 1]);
    }
    expect(makeEllipsoids({ count: 4, size: 12, seed: 6 })[0].image.data).not.toEqual(a[0].image.data);
  });
});
