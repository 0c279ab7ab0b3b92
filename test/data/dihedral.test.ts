import { describe, expect, it } from 'vitest';
import { applyDihedral, D4, inverseOf, type PlanarGrid } from '../../src/data/dihedral.ts';
import { Random } from '../../src/data/random.ts';

function randomGrid(height: number, width: number, channels: number, depth?: number): PlanarGrid {
  const rng = new Random(7);
  const data = Float32Array.from({ length: (depth ?? 1) * height * width * channels }, () => rng.uniform());
  return { ...(depth !== undefined && { depth }), height, width, channels, data };
}

/** Value of channel k at (y, x) of a 2D grid. */
const at = (g: PlanarGrid, y: number, x: number, k = 0) => g.data[(y * g.width + x) * g.channels + k];

describe('dihedral transforms (test-time augmentation)', () => {
  it('are undone exactly by their inverses on non-square maps, images and volumes', () => {
    for (const grid of [randomGrid(5, 3, 2), randomGrid(4, 7, 1, 3)]) {
      for (const t of D4) {
        const back = applyDihedral(applyDihedral(grid, t), inverseOf(t));
        expect([back.height, back.width, back.depth]).toEqual([grid.height, grid.width, grid.depth]);
        expect(back.data).toEqual(grid.data);
      }
    }
  });

  it('are 8 different maps of a random image, with height and width swapped on odd turns', () => {
    const grid = randomGrid(5, 3, 2);
    const images = D4.map((t) => applyDihedral(grid, t));
    expect(new Set(images.map((g) => g.data.join(','))).size).toBe(8);
    expect(images.map((g) => [g.height, g.width])).toEqual(D4.map((t) => (t % 2 === 1 ? [3, 5] : [5, 3])));
  });

  it('turn counter-clockwise and flip left-right', () => {
    const grid = randomGrid(5, 3, 1);
    // A quarter turn counter-clockwise brings the top-right corner to the top-left.
    expect(at(applyDihedral(grid, 1), 0, 0)).toBe(at(grid, 0, 2));
    expect(at(applyDihedral(grid, 4), 0, 0)).toBe(at(grid, 0, 2));
    expect(at(applyDihedral(grid, 4), 4, 2)).toBe(at(grid, 4, 0));
    expect(at(applyDihedral(grid, 2), 0, 0)).toBe(at(grid, 4, 2));
  });
});
