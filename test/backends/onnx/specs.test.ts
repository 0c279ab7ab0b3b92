// Every reference spec in specs/. At full size (31M parameters): export with seeded random
// weights and run in onnxruntime, with the output shape the IR predicts, and the published
// figures. Narrowed (widths / 8: the same graph with far fewer weights): the python3-onnx
// checker and tfjs against onnxruntime (tfjs' cpu engine needs minutes at full size).
import { narrowed } from '../../helpers/narrowed.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileFile } from '../../../src/node/compile-file.ts';
import { formatDiagnostics, type Diagnostic } from '../../../src/language/diagnostics.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { exportOnnx } from '../../../src/backends/onnx/export.ts';
import { createSession, runSession } from '../../../src/backends/onnx/runtime.ts';
import { DEFAULT_TOLERANCE, defaultVerifySizes, predictedOutputDims, verifyExport } from '../../../src/app/verify-onnx.ts';
import { legalExtents } from '../../../src/language/shapes/legal.ts';
import { weightsFromTfjs } from '../../../src/backends/tfjs/weights.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';
import { randomWeights } from '../../fixtures/onnx/models.ts';
import { hasOnnx, inferOutputDims } from './python-onnx.ts';

const SPECS = readdirSync('specs', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.unet'))
  .map((f) => join('specs', f))
  .sort();

/** Published input -> output sizes that onnxruntime must reproduce at full size. */
const FIGURES: Record<string, Array<[number[], number[]]>> = {
  'specs/ronneberger2015.unet': [[[1, 1, 572, 572], [1, 2, 388, 388]]],
  'specs/milesial.unet': [
    [[1, 3, 256, 256], [1, 2, 256, 256]],
    [[1, 3, 320, 480], [1, 2, 320, 480]],
  ],
};

/**
 * tfjs cpu runs about 0.7 GFLOP/s (docs/facts.md#speed: 138 s for 96 GFLOP) and builds weights slowly:
 * compare numerically below these (specs whose widths are explicit lists stay large).
 */
const NUMERIC_LIMITS = { flops: 5e8, params: 2e6 };

function check(result: { model: Model | null; diagnostics: Diagnostic[]; sources: Map<string, string> }): Model {
  if (!result.model) throw new Error(formatDiagnostics(result.diagnostics, result.sources));
  return result.model;
}

async function outputDims(bytes: Uint8Array, dims: number[]): Promise<number[]> {
  const session = await createSession(bytes);
  const output = await runSession(session, { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims });
  await session.release();
  expect(output.data.every(Number.isFinite)).toBe(true);
  return output.dims;
}

test('the reference specs are there', () => {
  expect(SPECS).toEqual(expect.arrayContaining(Object.keys(FIGURES)));
});

describe('full size in onnxruntime: the output shape the IR predicts, and the published figures', () => {
  for (const path of SPECS) {
    test(path, async () => {
      const model = check(compileFile(path));
      const bytes = exportOnnx(model, randomWeights(model), { foldBn: true });
      const size = Array<number>(model.dims).fill(legalExtents(model.legalSizes, 1)[0]);
      expect(await outputDims(bytes, [1, model.input.channels, ...size])).toEqual(predictedOutputDims(model, 1, size));
      for (const [input, output] of FIGURES[path] ?? []) expect(await outputDims(bytes, input)).toEqual(output);
    });
  }
});

describe.skipIf(!hasOnnx)('narrowed: onnx.checker and strict shape inference agree with the IR', () => {
  for (const path of SPECS) {
    test(path, () => {
      const model = narrowed(path);
      const size = Array<number>(model.dims).fill(legalExtents(model.legalSizes, 1)[0]);
      const bytes = exportOnnx(model, randomWeights(model), { fixedSize: size });
      const [, ...predicted] = predictedOutputDims(model, 1, size);
      expect(inferOutputDims(bytes, path.replaceAll('/', '_')).slice(1)).toEqual(predicted);
    });
  }
});

describe('narrowed: tfjs and onnxruntime agree at two sizes, batch norm folded and not', () => {
  for (const path of SPECS) {
    // Narrowed by 8; the ones still too heavy for a numeric check in CI time by 16 more.
    const once = narrowed(path);
    const heavy = (m: Model) => Math.max(...defaultVerifySizes(m).map((s) => withInputSize(m, s).totals.flops ?? Infinity)) > NUMERIC_LIMITS.flops || m.totals.params > NUMERIC_LIMITS.params;
    const model = heavy(once) ? narrowed(path, { divisor: 128, min: 2 }) : once;
    const sizes = defaultVerifySizes(model);
    test(`${path} at ${sizes.map((s) => s.join('x')).join(' and ')}${model === once ? '' : ' (narrowed further)'}`, async () => {
      expect(heavy(model)).toBe(false);
      const build = (size: number[]) => lowerModel(withInputSize(model, size), { seed: 5 }).model;
      const weights = weightsFromTfjs(build(sizes[0]), model);
      for (const foldBn of [false, true]) {
        const report = await verifyExport(model, exportOnnx(model, weights, { foldBn }), build, { sizes, seed: 9 });
        expect(report.maxRelDiff).toBeLessThanOrEqual(DEFAULT_TOLERANCE);
      }
    });
  }
});
