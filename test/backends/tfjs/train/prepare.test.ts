// Training samples at the network's windows: a valid-padding net trains on random crops
// whose mask is the centred output window, with the U-Net weight map for weighted_ce.
import { describe, expect, it } from 'vitest';
import { makePreparers } from '../../../../src/backends/tfjs/train/prepare.ts';
import { compileSource } from '../../../../src/language/compile.ts';
import { makeEllipses } from '../../../../src/data/ellipses.ts';
import { Random } from '../../../../src/data/random.ts';
import { withInputSize } from '../../../../src/language/shapes/infer.ts';
import { VALID_SPEC } from './helpers.ts';

describe('prepare', () => {
  const { model, diagnostics } = compileSource(VALID_SPEC, 'valid.unet');
  const ir = withInputSize(model!, [36, 36]);
  const [sample] = makeEllipses({ count: 1, size: 48, seed: 2 });

  it('compiles the test spec', () => expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]));

  it('crops the input window for the image and the centred output window for the mask, with weights', () => {
    const p = makePreparers(ir, { mode: 'unit' }).train(sample, new Random(1));
    expect([p.image.height, p.image.width]).toEqual([36, 36]);
    expect([p.mask.height, p.mask.width]).toEqual([20, 20]);
    expect(p.weights).toHaveLength(400);
    expect(Math.min(...p.weights!)).toBeGreaterThanOrEqual(1);
  });

  it('the same generator gives the same sample; validation windows are fixed', () => {
    const prep = makePreparers(ir, { mode: 'unit' });
    expect(prep.train(sample, new Random(5))).toEqual(prep.train(sample, new Random(5)));
    expect(prep.val(sample, 0)).toEqual(makePreparers(ir, { mode: 'unit' }).val(sample, 0));
  });

  it('normalises the image as fitted (image mode: zero mean)', () => {
    const p = makePreparers(ir, { mode: 'image' }).val(sample, 0);
    const mean = p.image.data.reduce((a, b) => a + b, 0) / p.image.data.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
  });
});
