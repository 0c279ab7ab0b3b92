// The independent checker: the ONNX project's own checker (full_check) and strict shape
// inference from Debian's python3-onnx (IR <= 8, opset <= 17: FACTS), and shape inference
// must give the output shape the IR predicts. onnxruntime stays the real gate: the
// checker misses some weight-size errors (FACTS).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Model } from '../../src/ir/types.ts';
import { exportOnnx } from '../../backends/onnx/export.ts';
import { predictedOutputDims } from '../../backends/onnx/verify.ts';
import { opZoo, randomWeights, tinySame, tinyValid } from '../fixtures/onnx/models.ts';

const PYTHON = '/usr/bin/python3';

// Checks the file, then infers the output shape from scratch (declared output dims cleared).
const CHECK = `
import json, sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, strict_mode=True)
m.graph.output[0].type.tensor_type.ClearField("shape")
out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]
print(json.dumps([d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]))
`;

const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
if (!hasOnnx) console.warn(`skipping the ONNX checker tests: '${PYTHON} -c "import onnx"' fails; install Debian's python3-onnx`);

const dir = mkdtempSync(join(tmpdir(), 'unet-onnx-check-'));

/** Runs the checker on an export and returns the inferred output dims. */
export function inferOutputDims(bytes: Uint8Array, name: string): (string | number)[] {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync(PYTHON, ['-c', CHECK, path], { encoding: 'utf8' }));
}

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
