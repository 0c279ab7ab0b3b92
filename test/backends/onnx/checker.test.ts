// The independent checker: the ONNX project's own checker (full_check) and strict shape
// inference from Debian's python3-onnx (IR <= 8, opset <= 17: docs/facts.md#installs), and shape inference
// must give the output shape the IR predicts. onnxruntime stays the real gate: the
// checker misses some weight-size errors (docs/facts.md#installs).
import { describe, expect, test } from 'vitest';
import type { Model } from '../../../src/language/ir/types.ts';
import { exportOnnx } from '../../../src/backends/onnx/export.ts';
import { predictedOutputDims } from '../../../src/app/verify-onnx.ts';
import { opZoo, randomWeights, tinySame, tinyValid } from '../../fixtures/onnx/models.ts';
import { hasOnnx, inferOutputDims } from './python-onnx.ts';

const MODELS: Array<[Model, number[]]> = [
  [tinySame({ up: 'transposed', norm: 'batch', skip: 'concat' }), [8, 12]],
  [tinySame({ up: 'bilinear', norm: 'group', skip: 'attention', act: 'gelu' }), [8, 12]],
  [tinySame({ up: 'align_corners', norm: 'instance', skip: 'add', act: 'elu' }), [8, 12]],
  [tinySame({ up: 'pixel_shuffle', norm: 'none', skip: 'none', act: 'leaky_relu' }), [8, 12]],
  [tinySame({ dims: 3, up: 'nearest', norm: 'batch', skip: 'concat' }), [4, 8, 6]],
  [tinyValid(), [20, 18]],
  [opZoo(), [8, 12]],
];

describe.skipIf(!hasOnnx)('onnx.checker and strict shape inference (python3-onnx)', () => {
  for (const [model, size] of MODELS) {
    test(`${model.name}: symbolic and fixed ${size.join('x')}, folded and not`, () => {
      for (const foldBn of [false, true]) {
        const weights = randomWeights(model);
        inferOutputDims(exportOnnx(model, weights, { foldBn }), `${model.name}-${foldBn}`);
        const fixed = exportOnnx(model, weights, { foldBn, fixedSize: size });
        const [, ...predicted] = predictedOutputDims(model, 1, size);
        // The batch stays symbolic; onnx 1.12's Resize inference renames it (unk__1), so only its kind is checked.
        const [batch, ...inferred] = inferOutputDims(fixed, `${model.name}-${foldBn}-fixed`);
        expect(typeof batch).toBe('string');
        expect(inferred).toEqual(predicted);
      }
    });
  }
});
