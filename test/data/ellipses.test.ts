import { describe, expect, it } from 'vitest';
import { insideShape, makeEllipses, makeShapes, renderShapes } from '../../src/data/ellipses.ts';
import { Random } from '../../src/data/random.ts';

describe('builtin:ellipses', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = makeEllipses({ count: 3, seed: 1 });
    const b = makeEllipses({ count: 3, seed: 1 });
    const c = makeEllipses({ count: 3, seed: 2 });
    expect(a).toEqual(b);
    expect(Array.from(a[0].image.data)).not.toEqual(Array.from(c[0].image.data));
    // Sample i does not depend on how many samples are generated.
    expect(makeEllipses({ count: 1, seed: 1 })[0]).toEqual(a[0]);
  });

  it('gives 64x64 one-channel images in [0,1] with binary masks by default', () => {
    for (const s of makeEllipses({ count: 5, seed: 3 })) {
      expect([s.image.height, s.image.width, s.image.channels]).toEqual([64, 64, 1]);
      expect(s.image.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(s.mask.data.every((v) => v === 0 || v === 1)).toBe(true);
    }
  });

  it('marks exactly the pixels inside ellipses, and shapes are large enough to learn', () => {
    let sawOther = false;
    for (let i = 0; i < 20; i++) {
      const rng = new Random(i);
      const shapes = makeShapes(64, rng);
      expect(shapes.length).toBeGreaterThanOrEqual(2);
      expect(shapes.length).toBeLessThanOrEqual(5);
      sawOther ||= shapes.some((s) => s.kind !== 'ellipse');
      const { mask } = renderShapes('t', shapes, 64, rng);
      let inside = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const want = shapes.some((s) => s.kind === 'ellipse' && insideShape(s, x, y)) ? 1 : 0;
          expect(mask.data[y * 64 + x]).toBe(want);
          inside += want;
        }
      }
      expect(inside).toBeGreaterThan(30); // at least one ellipse of a few pixels' radius
    }
    expect(sawOther).toBe(true);
  });
});
