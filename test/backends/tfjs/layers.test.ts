// The custom layers against direct tf-ops computations or hand formulas.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm3D, Crop3D, GroupNorm, PixelShuffle, Resize, SpatialMean } from '../../../src/backends/tfjs/layers/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const random = (shape: number[], seed = 1) => tf.randomUniform(shape, -2, 2, 'float32', seed);

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThanOrEqual(tolerance);
}

const run = (layer: tf.layers.Layer, x: tf.Tensor, training = false) => layer.apply(x, { training }) as tf.Tensor;

describe('GroupNorm', () => {
  it('normalises each sample over its group of channels and all positions (Wu & He 2018, eq. 1)', () => {
    const x = random([2, 3, 4, 6]);
    const y = run(new GroupNorm({ groups: 2, epsilon: 1e-5 }), x);
    // Hand formula: group g holds channels 3g..3g+2.
    const values = x.arraySync() as number[][][][];
    const expected = values.map((sample) => {
      const groupStats = [0, 1].map((g) => {
        const v = sample.flat().flatMap((pixel) => pixel.slice(3 * g, 3 * g + 3));
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
        return { mean, std: Math.sqrt(variance + 1e-5) };
      });
      return sample.map((row) => row.map((pixel) => pixel.map((v, c) => (v - groupStats[Math.floor(c / 3)].mean) / groupStats[Math.floor(c / 3)].std)));
    });
    expectClose(y, tf.tensor(expected));
  });

  it('with one channel per group is instance normalisation, in 3D too', () => {
    const x = random([2, 3, 4, 5, 4]);
    const { mean, variance } = tf.moments(x, [1, 2, 3], true);
    expectClose(run(new GroupNorm({ groups: 4, epsilon: 1e-3 }), x), x.sub(mean).div(variance.add(1e-3).sqrt()));
  });
});

describe('BatchNorm3D', () => {
  it('matches batch norm over all positions of the batch in training and the moving statistics after it', () => {
    const x = random([2, 3, 4, 5, 3]);
    const layer = new BatchNorm3D({ epsilon: 1e-5, momentum: 0.9 });
    const { mean, variance } = tf.moments(x, [0, 1, 2, 3]);
    expectClose(run(layer, x, true), x.sub(mean).div(variance.add(1e-5).sqrt()));
    const [, , movingMean, movingVariance] = layer.getWeights();
    expectClose(movingMean, mean.mul(0.1));
    expectClose(movingVariance, variance.mul(0.1).add(0.9));
    expectClose(run(layer, x), x.sub(movingMean).div(movingVariance.add(1e-5).sqrt()));
  });
});

describe('Resize', () => {
  it('2D bilinear with alignCorners is tf.image.resizeBilinear(alignCorners=true)', () => {
    const x = random([1, 5, 7, 2]);
    expectClose(run(new Resize({ mode: 'bilinear', scale: [2, 2], alignCorners: true }), x), tf.image.resizeBilinear(x as tf.Tensor4D, [10, 14], true));
  });

  for (const alignCorners of [false, true]) {
    it(`3D trilinear (alignCorners ${alignCorners}) equals resizeBilinear per slice when depth is not scaled`, () => {
      const x = random([1, 3, 5, 4, 2]);
      const y = run(new Resize({ mode: 'bilinear', scale: [1, 2, 3], alignCorners }), x);
      const slices = tf.unstack(x, 1).map((s) => tf.image.resizeBilinear(s as tf.Tensor4D, [10, 12], alignCorners));
      expectClose(y, tf.stack(slices, 1));
    });
  }

  it('3D trilinear scales depth like the other axes (the hand formula at every voxel)', () => {
    const x = random([1, 2, 3, 2, 1]);
    const y = run(new Resize({ mode: 'bilinear', scale: [2, 2, 2], alignCorners: true }), x).arraySync() as number[][][][][];
    const v = x.arraySync() as number[][][][][];
    // align corners: output o on an axis of n -> out samples reads source o*(n-1)/(out-1).
    const lerp = (f: (i: number) => number, src: number, n: number) => {
      const i = Math.floor(src);
      const j = Math.min(n - 1, i + 1);
      return f(i) + (f(j) - f(i)) * (src - i);
    };
    for (let d = 0; d < 4; d++) {
      for (let h = 0; h < 6; h++) {
        for (let w = 0; w < 4; w++) {
          const at = (a: number, b: number, c: number) => v[0][a][b][c][0];
          const expected = lerp((a) => lerp((b) => lerp((c) => at(a, b, c), (w * 1) / 3, 2), (h * 2) / 5, 3), (d * 1) / 3, 2);
          expect(y[0][d][h][w][0]).toBeCloseTo(expected, 5);
        }
      }
    }
  });

  it('3D nearest repeats every voxel scale times', () => {
    const x = random([1, 2, 3, 2, 2]);
    const y = run(new Resize({ mode: 'nearest', scale: [2, 2, 2], alignCorners: false }), x);
    const repeated = [1, 2, 3].reduce((t, axis) => tf.stack([t, t], axis + 1).reshape(t.shape.map((n, i) => (i === axis ? 2 * n : n))), x);
    expectClose(y, repeated, 0);
  });
});

describe('PixelShuffle', () => {
  it('2D equals tf.depthToSpace (DCR)', () => {
    const x = random([1, 3, 4, 8]);
    expectClose(run(new PixelShuffle({ scale: 2 }), x), tf.depthToSpace(x as tf.Tensor4D, 2), 0);
  });

  it('3D reads channel ((d*r + h)*r + w)*C + c for block offset (d, h, w)', () => {
    const x = random([1, 2, 2, 2, 16]);
    const y = run(new PixelShuffle({ scale: 2 }), x).arraySync() as number[][][][][];
    const v = x.arraySync() as number[][][][][];
    for (const [D, H, W, c] of [[0, 0, 0, 0], [3, 1, 2, 1], [1, 3, 3, 0], [2, 2, 1, 1]]) {
      const [d, h, w] = [D % 2, H % 2, W % 2];
      expect(y[0][D][H][W][c]).toBe(v[0][D >> 1][H >> 1][W >> 1][((d * 2 + h) * 2 + w) * 2 + c]);
    }
  });
});

describe('Crop3D and SpatialMean', () => {
  it('Crop3D removes begin leading and end trailing voxels per axis', () => {
    const x = random([1, 6, 7, 8, 2]);
    expectClose(run(new Crop3D({ begin: [1, 2, 3], end: [2, 1, 0] }), x), tf.slice(x, [0, 1, 2, 3, 0], [1, 3, 4, 5, 2]), 0);
  });

  it('SpatialMean is the mean over all spatial axes, kept as size 1', () => {
    const x = random([2, 3, 4, 5]);
    expectClose(run(new SpatialMean({}), x), tf.mean(x, [1, 2], true), 0);
  });
});
