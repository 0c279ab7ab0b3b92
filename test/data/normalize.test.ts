import { describe, expect, it } from 'vitest';
import { channelStats, fitNormalizer, normalizeImage } from '../../src/data/normalize.ts';
import type { Image2D } from '../../src/data/types.ts';

const img = (values: number[], channels = 1): Image2D => ({
  height: 1,
  width: values.length / channels,
  channels,
  data: Float32Array.from(values),
});

describe('normalisation', () => {
  it('an unknown mode is refused by name, not applied as another', () => {
    expect(() => normalizeImage(img([0, 1]), { mode: 'unknown' as never })).toThrow('unknown normalisation: "unknown"');
  });

  it("'unit' leaves the image unchanged", () => {
    const a = img([0, 0.5, 1]);
    expect(normalizeImage(a, fitNormalizer('unit'))).toBe(a);
  });

  it("'image' gives each image mean 0 and std 1 per channel", () => {
    const out = normalizeImage(img([0.2, 10, 0.4, 20, 0.6, 30], 2), fitNormalizer('image'));
    const { mean, std } = channelStats([out]);
    mean.forEach((m) => expect(m).toBeCloseTo(0, 5));
    std.forEach((s) => expect(s).toBeCloseTo(1, 5));
  });

  it("'dataset' stores training statistics (JSON) and reapplies them to new images", () => {
    const norm = fitNormalizer('dataset', [img([0, 0.2]), img([0.4, 0.6])]);
    expect(norm.mean![0]).toBeCloseTo(0.3, 6);
    expect(norm.std![0]).toBeCloseTo(Math.sqrt(0.05), 6);
    const reloaded = JSON.parse(JSON.stringify(norm));
    const out = normalizeImage(img([0.3, 0.3 + Math.sqrt(0.05)]), reloaded);
    expect(out.data[0]).toBeCloseTo(0, 5);
    expect(out.data[1]).toBeCloseTo(1, 5);
  });

  it('centres a constant image without dividing by zero', () => {
    const out = normalizeImage(img([0.5, 0.5]), fitNormalizer('image'));
    expect(Array.from(out.data)).toEqual([0, 0]);
  });

  it('refuses statistics with the wrong channel count', () => {
    const norm = fitNormalizer('dataset', [img([0, 1])]);
    expect(() => normalizeImage(img([0, 0, 0], 3), norm)).toThrow(/1 channels, image has 3/);
  });
});
