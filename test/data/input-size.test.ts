// The size a network trains at, as `unet train` and the playground's page pick it.
import { describe, expect, it } from 'vitest';
import { trainingInputSize } from '../../src/data/input-size.ts';
import type { Sample } from '../../src/data/types.ts';
import type { TrainConfig } from '../../src/language/ir/types.ts';

const sample = (name: string, height: number, width: number): Sample => ({
  name,
  image: { height, width, channels: 1, data: new Float32Array(height * width) },
  mask: { height, width, data: new Uint8Array(height * width) },
});
const train = (crop: number[] | null) => ({ crop }) as TrainConfig;

describe('trainingInputSize', () => {
  it("is the spec's crop, else the images' common size", () => {
    expect(trainingInputSize(train([32, 48]), [sample('a', 64, 64), sample('b', 80, 96)])).toEqual([32, 48]);
    expect(trainingInputSize(train(null), [sample('a', 16, 24), sample('b', 16, 24)])).toEqual([16, 24]);
  });

  it('refuses images of different sizes without a crop, naming two of them (W x H)', () => {
    expect(() => trainingInputSize(train(null), [sample('a', 16, 24), sample('b', 16, 16)])).toThrow(
      'images differ in size (a is 24x16, b is 16x16): set a training crop (train { crop ... }) in the spec',
    );
  });
});
