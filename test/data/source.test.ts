// The one --data loader (src/data/source.ts) that train, eval and augment-preview use: the
// built-in sets by name and count, sized from the spec, refused for the wrong dimensionality,
// folders otherwise; and it stays free of any backend.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataForPlanning, loadSamples, loadTrainingData, loadVolumeData } from '../../src/data/source.ts';
import { tempDir, writeGray } from './helpers.ts';
import { compile } from '../language/helpers.ts';

const images = compile('specs/ellipses.unet');
const volumes = compile('specs/ellipsoids.unet');

describe('loadSamples', () => {
  it('builtin:ellipses:N: N images at the spec input size, seeded by the spec', async () => {
    const samples = await loadTrainingData('builtin:ellipses:3', images);
    const size = images.input.size[0];
    expect(samples.map((s) => [s.image.height, s.mask.width])).toEqual([[size, size], [size, size], [size, size]]);
    const again = await loadTrainingData('builtin:ellipses:3', images);
    expect(again.map((s) => Array.from(s.image.data.slice(0, 8)))).toEqual(samples.map((s) => Array.from(s.image.data.slice(0, 8))));
  });

  it('builtin:ellipsoids:N gives volumes to a 3D network, images to a 2D one', async () => {
    expect(await loadSamples('builtin:ellipsoids:2', volumes)).toHaveLength(2);
    expect((await loadSamples('builtin:ellipses:2', images))[0]).toHaveProperty('image.height');
  });

  it('a built-in set of the wrong dimensionality names the one to use', async () => {
    await expect(loadTrainingData('builtin:ellipsoids', images)).rejects.toThrow(/holds 3D volumes, but .* is a 2D network: use builtin:ellipses/);
    await expect(loadVolumeData('builtin:ellipses', volumes)).rejects.toThrow(/holds 2D images, but .* is a 3D network: use builtin:ellipsoids/);
  });

  it('names both built-ins for an unknown one, and reads folders otherwise', async () => {
    await expect(loadSamples('builtin:circles', images)).rejects.toThrow(/unknown built-in data set 'builtin:circles': expected builtin:ellipses\[:N\] .* or builtin:ellipsoids\[:N\]/);
    await expect(loadSamples('/nonexistent/folder', images)).rejects.toThrow(/does not exist/);
  });
});

/** The project's modules that `file` imports, transitively (relative imports only), and the packages. */
function importGraph(file: string, seen = new Set<string>(), packages = new Set<string>()): { modules: Set<string>; packages: Set<string> } {
  if (seen.has(file)) return { modules: seen, packages };
  seen.add(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)) {
    if (spec!.startsWith('.')) importGraph(join(dirname(file), spec!), seen, packages);
    else packages.add(spec!);
  }
  return { modules: seen, packages };
}

it('the loader imports no backend and no tfjs', () => {
  const { modules, packages } = importGraph('src/data/source.ts');
  expect([...modules].filter((m) => !m.startsWith('src'))).toEqual([]);
  expect([...packages].filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
});

describe('loadDataForPlanning (unet plan: no spec yet)', () => {
  it('a folder: every mask value its own class, sorted, with the raw value of each', async () => {
    const dir = tempDir();
    await writeGray(join(dir, 'images', 'a.png'), 2, 2, [10, 20, 30, 40]);
    await writeGray(join(dir, 'masks', 'a.png'), 2, 2, [255, 0, 128, 255]);
    const { samples, values } = await loadDataForPlanning(dir);
    expect(values).toEqual([0, 128, 255]);
    expect(Array.from(samples[0].mask.data)).toEqual([2, 0, 1, 2]);
  });

  it('builtin:ellipses:N: class indices already (no raw values); builtin:ellipsoids refused as 3D', async () => {
    const { samples, values } = await loadDataForPlanning('builtin:ellipses:2');
    expect(values).toBeNull();
    expect(samples).toHaveLength(2);
    await expect(loadDataForPlanning('builtin:ellipsoids')).rejects.toThrow(/unet plan plans 2D networks/);
  });
});
