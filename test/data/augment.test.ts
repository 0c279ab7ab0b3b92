import { describe, expect, it } from 'vitest';
import {
  augment,
  augmentCrop,
  changeGrayValues,
  drawTransform,
  IDENTITY,
  PAPER_AUGMENT,
  transformSample,
  type AugmentConfig,
} from '../../src/data/augment.ts';
import { cropImage, cropMask, randomCrop } from '../../src/data/crop.ts';
import { displacementAt, drawElasticField, elasticDisplacement } from '../../src/data/elastic.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { Random } from '../../src/data/random.ts';
import { cubicWeights, mirrorIndex, resampleImage } from '../../src/data/resample.ts';
import type { Sample } from '../../src/data/types.ts';

const OFF: AugmentConfig = {
  elastic: null,
  flip: false,
  rotate90: false,
  rotate: 0,
  shift: 0,
  brightness: 0,
  contrast: 0,
  gamma: 0,
};

/** A non-square 2-channel sample with distinct values and a 3-class mask. */
function sample(): Sample {
  const h = 5;
  const w = 7;
  return {
    name: 's',
    image: { height: h, width: w, channels: 2, data: Float32Array.from({ length: h * w * 2 }, (_, i) => i / 70) },
    mask: { height: h, width: w, data: Uint8Array.from({ length: h * w }, (_, i) => i % 3) },
  };
}

describe('augmentation', () => {
  it('zero displacement (and everything off) is the identity', () => {
    const s = sample();
    const zero = { height: 5, width: 7, dy: new Float32Array(35), dx: new Float32Array(35) };
    expect(transformSample(s, { ...IDENTITY, displacement: zero })).toEqual(s);
    const none = augment(s, { ...OFF, elastic: { grid: 3, sigma: 0 } }, new Random(1));
    expect(Array.from(none.mask.data)).toEqual(Array.from(s.mask.data));
    none.image.data.forEach((v, i) => expect(v).toBeCloseTo(s.image.data[i], 6));
  });

  it('flipping twice and four quarter turns are the identity; a quarter turn swaps the size', () => {
    const s = sample();
    const flip = { ...IDENTITY, flipX: true, flipY: true };
    expect(transformSample(transformSample(s, flip), flip)).toEqual(s);
    const turned = transformSample(s, { ...IDENTITY, rot90: 1 });
    expect([turned.image.height, turned.image.width, turned.mask.height, turned.mask.width]).toEqual([7, 5, 7, 5]);
    let t = s;
    for (let k = 0; k < 4; k++) t = transformSample(t, { ...IDENTITY, rot90: 1 });
    expect(t).toEqual(s);
    expect(transformSample(transformSample(s, { ...IDENTITY, rot90: 1 }), { ...IDENTITY, rot90: 3 })).toEqual(s);
  });

  it('flipX mirrors columns exactly', () => {
    const s = sample();
    const f = transformSample(s, { ...IDENTITY, flipX: true });
    expect(f.mask.data[0]).toBe(s.mask.data[6]);
    expect(f.image.data[1]).toBe(s.image.data[6 * 2 + 1]);
  });

  it('same seed gives the same output, another seed a different one', () => {
    const [s] = makeEllipses({ count: 1, size: 48, seed: 2 });
    const a = augment(s, PAPER_AUGMENT, new Random(9));
    expect(augment(s, PAPER_AUGMENT, new Random(9))).toEqual(a);
    expect(Array.from(augment(s, PAPER_AUGMENT, new Random(10)).image.data)).not.toEqual(Array.from(a.image.data));
  });

  it('deformation keeps the mask within the class set and moves it', () => {
    const s = sample();
    const rng = new Random(3);
    for (let k = 0; k < 5; k++) {
      const out = augment(s, { ...PAPER_AUGMENT, elastic: { grid: 3, sigma: 4 } }, rng);
      expect(out.mask.data.every((v) => v <= 2)).toBe(true);
    }
    const [e] = makeEllipses({ count: 1, size: 48, seed: 5 });
    const deformed = augment(e, { ...OFF, elastic: { grid: 3, sigma: 10 } }, new Random(4));
    expect(deformed.mask.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Array.from(deformed.mask.data)).not.toEqual(Array.from(e.mask.data));
  });

  it('elastic field: Gaussian control vectors with the requested std, smooth between them', () => {
    const rng = new Random(8);
    let sq = 0;
    const n = 400;
    for (let k = 0; k < n; k++) {
      const d = elasticDisplacement(21, 21, 3, 10, rng);
      sq += d.dy[0] ** 2 + d.dx[20 * 21 + 20] ** 2; // corners are control points
    }
    expect(Math.sqrt(sq / (2 * n))).toBeGreaterThan(9);
    expect(Math.sqrt(sq / (2 * n))).toBeLessThan(11);
    const d = elasticDisplacement(21, 21, 3, 10, new Random(1));
    for (let i = 1; i < 21; i++) expect(Math.abs(d.dx[10 * 21 + i] - d.dx[10 * 21 + i - 1])).toBeLessThan(3);
  });

  it('elastic field: the separable evaluation equals the 4 x 4 bicubic sum over clamped control points', () => {
    const wy = new Float64Array(4);
    const wx = new Float64Array(4);
    for (const grid of [2, 3, 5]) {
      const field = drawElasticField(37, 29, grid, 10, new Random(grid));
      const rows = [0, 1, 17, 36, 3];
      const cols = [28, 0, 5, 14, 27, 2];
      const d = displacementAt(field, rows, cols);
      rows.forEach((r, i) =>
        cols.forEach((c, j) => {
          const gy = (r * (grid - 1)) / 36;
          const gx = (c * (grid - 1)) / 28;
          const y0 = Math.min(Math.floor(gy), grid - 2);
          const x0 = Math.min(Math.floor(gx), grid - 2);
          cubicWeights(gy - y0, wy);
          cubicWeights(gx - x0, wx);
          const clamp = (k: number) => Math.min(grid - 1, Math.max(0, k));
          let sum = 0;
          for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) sum += wy[a] * wx[b] * field.gy[clamp(y0 - 1 + a) * grid + clamp(x0 - 1 + b)];
          expect(d.dy[i * cols.length + j]).toBeCloseTo(sum, 4);
        }),
      );
    }
  });

  it('bicubic resampling: whole-pixel coordinates copy, fractional ones mix 4 x 4 mirrored neighbours', () => {
    const image = sample().image;
    const { height: h, width: w } = image;
    const mapY = Float32Array.from([0, 4, 2, 0.25, 3.5, -0.75, 4.6, 2.5]);
    const mapX = Float32Array.from([6, 0, 3, 0.5, 6.25, 2.5, -1.2, 3]);
    const out = resampleImage(image, { height: 1, width: mapY.length, mapY, mapX });
    const wy = new Float64Array(4);
    const wx = new Float64Array(4);
    for (let i = 0; i < mapY.length; i++) {
      const y0 = Math.floor(mapY[i]);
      const x0 = Math.floor(mapX[i]);
      cubicWeights(mapY[i] - y0, wy);
      cubicWeights(mapX[i] - x0, wx);
      for (let ch = 0; ch < 2; ch++) {
        let sum = 0;
        for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) sum += wy[a] * wx[b] * image.data[(mirrorIndex(y0 - 1 + a, h) * w + mirrorIndex(x0 - 1 + b, w)) * 2 + ch];
        expect(out.data[i * 2 + ch]).toBeCloseTo(sum, 5);
      }
    }
    // The first three are whole pixels: exact copies.
    expect(out.data[0]).toBe(image.data[(0 * w + 6) * 2]);
    expect(out.data[3]).toBe(image.data[(4 * w + 0) * 2 + 1]);
    expect(out.data[4]).toBe(image.data[(2 * w + 3) * 2]);
  });

  it('gray-value changes touch the image only, deterministically', () => {
    const s = sample();
    const cfg = { ...OFF, brightness: 0.2, contrast: 0.2, gamma: 0.2 };
    const out = augment(s, cfg, new Random(2));
    expect(out.mask).toEqual(s.mask);
    expect(Array.from(out.image.data)).not.toEqual(Array.from(s.image.data));
    expect(changeGrayValues(s.image, cfg, new Random(5))).toEqual(changeGrayValues(s.image, cfg, new Random(5)));
  });

  it('rotation keeps the size and the centre pixel', () => {
    const s = sample();
    const t = drawTransform({ ...OFF, rotate: 30 }, 5, 7, new Random(1));
    expect(t.angle).not.toBe(0);
    const out = transformSample(s, t);
    expect([out.image.height, out.image.width]).toEqual([5, 7]);
    expect(out.mask.data[2 * 7 + 3]).toBe(s.mask.data[2 * 7 + 3]);
  });
});

describe('augmentCrop (the augmentation computed on the training window only)', () => {
  const FULL = { elastic: { grid: 3, sigma: 6 }, flip: true, rotate90: true, rotate: 15, shift: 0.1, brightness: 0, contrast: 0, gamma: 0 };

  it('equals randomCrop(augment(sample)): same draws, same pixels, mirrored windows included', () => {
    const [e] = makeEllipses({ count: 1, size: 40, seed: 3 });
    // A non-square sample, so the quarter turns swap the frame.
    const s = { ...e, image: cropImage(e.image, 0, 0, 40, 33), mask: cropMask(e.mask, 0, 0, 40, 33) };
    for (let seed = 0; seed < 24; seed++) {
      for (const [inSize, outSize] of [[[28, 28], [12, 12]], [[20, 16], [20, 16]], [[44, 44], [36, 36]]] as const) {
        const a = new Random(seed);
        const b = new Random(seed);
        const whole = randomCrop(augment(s, FULL, a), inSize, outSize, a);
        const window = augmentCrop(s, FULL, inSize, outSize, b);
        expect(window.mask).toEqual(whole.mask);
        expect(window.image).toEqual(whole.image);
        expect(b.nextUint32()).toBe(a.nextUint32()); // the stream continues alike
      }
    }
  });

  it('gray values: contrast about the crop mean (not the whole image), brightness added', () => {
    const [e] = makeEllipses({ count: 1, size: 32, seed: 9 });
    const cfg = { ...OFF, contrast: 0.5, brightness: 0.3 };
    const rng = new Random(4);
    const out = augmentCrop(e, cfg, 16, 16, rng);
    expect(out.image.data.length).toBe(16 * 16);
    // Reconstruct the draws (angle, shifts, gamma: zero ranges, still drawn), then contrast
    // c and brightness b about the window's own mean m, then the crop's place.
    const r = new Random(4);
    for (let k = 0; k < 4; k++) r.uniform(0, 0);
    const c = r.uniform(0.5, 1.5);
    const b = r.uniform(-0.3, 0.3);
    const top = r.int(32 - 16 + 1);
    const left = r.int(32 - 16 + 1);
    const win = cropImage(e.image, top, left, 16, 16);
    const m = win.data.reduce((x, y) => x + y, 0) / win.data.length;
    for (let i = 0; i < win.data.length; i += 17) expect(out.image.data[i]).toBeCloseTo((win.data[i] - m) * c + m + b, 5);
    expect(out.mask).toEqual(cropMask(e.mask, top, left, 16, 16));
  });
});
