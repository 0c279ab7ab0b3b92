// tfjs (cpu, the reference) against onnxruntime on the same seeded input at two input
// sizes, for hand-built IRs that together cover every upsampling mode, both paddings,
// every normalisation, every skip type, 2D and 3D, with batch norm folded and not.
import { describe, expect, test } from 'vitest';
import type { Model } from '../../../src/language/ir/types.ts';
import { exportOnnx } from '../../../src/backends/onnx/export.ts';
import { DEFAULT_TOLERANCE, defaultVerifySizes, verifyExport } from '../../../src/app/verify-onnx.ts';
import { weightsFromTfjs } from '../../../src/backends/tfjs/weights.ts';
import { opZoo, tinySame, tinyValid } from '../../fixtures/onnx/models.ts';
import { randomTfjs } from '../../fixtures/onnx/tfjs.ts';

const SIZES_2D = [[8, 8], [12, 16]];
const SIZES_3D = [[4, 4, 4], [8, 4, 6]];

// tfjs-layers' batchNormalization has no rank-5 kernel ("not implemented for array of rank
// 5 yet"), so 3D batch norm has no tfjs reference; 3D covers instance, group and no norm.
const CASES: Array<[Model, number[][]]> = [
  [tinySame({ up: 'transposed', norm: 'batch', skip: 'concat', act: 'relu' }), SIZES_2D],
  [tinySame({ up: 'bilinear', norm: 'group', skip: 'attention', act: 'gelu' }), SIZES_2D],
  [tinySame({ up: 'nearest', norm: 'instance', skip: 'none', act: 'leaky_relu' }), SIZES_2D],
  [tinySame({ up: 'align_corners', norm: 'batch', skip: 'concat', act: 'elu' }), SIZES_2D],
  [tinySame({ up: 'pixel_shuffle', norm: 'batch', skip: 'add', act: 'tanh' }), SIZES_2D],
  [tinySame({ up: 'bilinear', norm: 'none', skip: 'concat', act: 'relu' }), SIZES_2D],
  [tinySame({ dims: 3, up: 'bilinear', norm: 'instance', skip: 'concat' }), SIZES_3D],
  [tinySame({ dims: 3, up: 'transposed', norm: 'group', skip: 'add' }), SIZES_3D],
  [tinySame({ dims: 3, up: 'nearest', norm: 'none', skip: 'attention' }), SIZES_3D],
  [tinyValid(), defaultVerifySizes(tinyValid())],
  [opZoo(), SIZES_2D],
];

describe('tfjs and onnxruntime agree', () => {
  for (const [model, sizes] of CASES) {
    for (const foldBn of [false, true]) {
      test(`${model.name}${foldBn ? ', batch norm folded' : ''} at ${sizes.map((s) => s.join('x')).join(' and ')}`, async () => {
        const build = randomTfjs(model);
        const bytes = exportOnnx(model, weightsFromTfjs(build(sizes[0]), model), { foldBn });
        const report = await verifyExport(model, bytes, build, { sizes, seed: 3 });
        expect(report.comparisons.map((c) => c.size)).toEqual(sizes);
        expect(report.maxRelDiff).toBeLessThanOrEqual(DEFAULT_TOLERANCE);
        expect(report.ok).toBe(true);
      });
    }
  }
});
