// The fingerprint measures what the rules need: object sizes, the separator's thickness and
// how close objects come, on masks small enough to check by hand.
import { describe, expect, it } from 'vitest';
import { fingerprint, quantile } from '../../../src/app/plan/fingerprint.ts';
import { measureObjects } from '../../../src/app/plan/objects.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { cellSheets, discs } from './generate.ts';

/** A mask from rows of '#' (class 1) and '.' (class 0). */
function mask(rows: string[]) {
  return { height: rows.length, width: rows[0].length, data: Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0)) };
}

describe('measureObjects', () => {
  it('measures areas, the gap between two squares and the membrane thickness between them', () => {
    const m = measureObjects(mask(['##.##', '##.##', '##.##']), 1);
    expect(m.areas).toEqual([6, 6]);
    // One pixel of class 0 between them: a gap of 1, a separator 1 px thick on its ridge.
    expect(m.gaps).toEqual([1, 1]);
    expect(m.thickness).toEqual([1, 1, 1]);
  });

  it('reports no neighbour (Infinity) for a lone object', () => {
    expect(measureObjects(mask(['....', '.##.', '....']), 1).gaps).toEqual([Infinity]);
  });
});

describe('fingerprint', () => {
  it('of builtin:ellipses: objects are class 1, apart, about 10-25 px across', () => {
    const fp = fingerprint(makeEllipses({ count: 24, size: 64, seed: 1 }), null);
    expect(fp).toMatchObject({ images: 24, channels: 1, classes: 2, objectClass: 1, height: { min: 64, max: 64 } });
    expect(fp.classFractions[1]).toBeLessThan(0.2);
    expect(fp.objects.diameter.p90).toBeGreaterThan(12);
    expect(fp.objects.diameter.p90).toBeLessThan(30);
    expect(fp.separatorThickness.median).toBeGreaterThan(10);
  });

  it('tells small objects from large ones', () => {
    const small = fingerprint(discs({ count: 4, size: 96, rMin: 2, rMax: 3 }), null);
    const large = fingerprint(discs({ count: 4, size: 192, rMin: 28, rMax: 36 }), null);
    expect(small.objects.diameter.p90).toBeLessThan(8);
    expect(large.objects.diameter.p90).toBeGreaterThan(55);
  });

  it('finds cells as the objects and the thin membrane between them (the class with one big component)', () => {
    const fp = fingerprint(cellSheets({ count: 3, size: 96, cell: 14, membrane: 3 }), [0, 255]);
    expect(fp.objectClass).toBe(1);
    expect(fp.separatorThickness.median).toBe(3);
    expect(fp.objects.gaps.every((g) => g === 3)).toBe(true);
  });

  it('quantile takes the nearest rank', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
