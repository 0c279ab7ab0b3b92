// Test-time augmentation through segmentImage, the code `unet predict` and `unet eval` run
// with a tfjs or an onnxruntime Predictor: stand-in Predictors whose behaviour under flips
// and turns is known, on non-square images.
import { describe, expect, it } from 'vitest';
import type { Predictor } from '../../../src/data/segment.ts';
import { segmentImage } from '../../../src/data/segment.ts';
import { compileSource } from '../../../src/language/compile.ts';
import { Random } from '../../../src/data/random.ts';
import type { Image2D } from '../../../src/data/types.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { TINY_SPEC } from './helpers.ts';

const UNIT = { mode: 'unit' } as const;
const validIr = compileSource(TINY_SPEC, 'tiny.unet').model!;
const sameIr: Model = compileSource(TINY_SPEC.replace('padding valid', 'padding same').replace('crop       28x28', 'crop       32x32'), 'same.unet').model!;

function randomImage(height: number, width: number): Image2D {
  const rng = new Random(11);
  return { height, width, channels: 1, data: Float32Array.from({ length: height * width }, () => rng.uniform()) };
}

/**
 * A stand-in network that is flip- and turn-equivariant, as a net of 1x1 convolutions is:
 * each output pixel depends only on the input pixel under it (centred in the input window).
 */
function pointwise(ir: Model): Predictor {
  return async (batch, n, h, w) => {
    const [oh, ow] = withInputSize(ir, [h, w]).output.size as number[];
    const [my, mx] = [(h - oh) / 2, (w - ow) / 2];
    const out = new Float32Array(n * oh * ow * 2);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          const v = batch[(b * h + y + my) * w + x + mx];
          const o = ((b * oh + y) * ow + x) * 2;
          [out[o], out[o + 1]] = [1 - v * v, v * v];
        }
    return out;
  };
}

describe('segmentImage --tta', () => {
  for (const [padding, ir, window] of [['valid', validIr, [28, 28]], ['same', sameIr, [32, 32]]] as const) {
    it(`an equivariant network gives the same probabilities with and without TTA (${padding} padding, tiled)`, async () => {
      const image = randomImage(45, 61); // several tiles, neither square nor a multiple of the window
      const plain = await segmentImage(image, ir, UNIT, [...window], pointwise(ir));
      for (const tta of ['flips', 'd4'] as const) {
        const augmented = await segmentImage(image, ir, UNIT, [...window], pointwise(ir), { tta });
        expect([augmented.height, augmented.width, augmented.channels]).toEqual([45, 61, 2]);
        for (let i = 0; i < plain.data.length; i++) expect(augmented.data[i]).toBeCloseTo(plain.data[i], 6);
      }
    });
  }

  it('averages the predictions mapped back: a left-to-right ramp averages to 0.5 under flips', async () => {
    // Probability of class 1 = x / (w - 1) whatever the image: flipped left-right it is
    // 1 - x / (w - 1) back in place, so the mean of the four flips is 0.5 everywhere.
    const ramp: Predictor = async (_batch, n, h, w) => {
      const out = new Float32Array(n * h * w * 2);
      for (let p = 0; p < n * h * w; p++) [out[2 * p], out[2 * p + 1]] = [1 - (p % w) / (w - 1), (p % w) / (w - 1)];
      return out;
    };
    const image = randomImage(32, 64); // legal for the same-padding net: predicted whole
    const plain = await segmentImage(image, sameIr, UNIT, [32, 32], ramp);
    expect(plain.data[2 * 63 + 1]).toBe(1);
    const flipped = await segmentImage(image, sameIr, UNIT, [32, 32], ramp, { tta: 'flips' });
    for (let p = 0; p < 32 * 64; p++) expect(flipped.data[2 * p + 1]).toBeCloseTo(0.5, 6);
  });
});
