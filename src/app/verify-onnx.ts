// Proof that an export matches its source: the tfjs model (cpu engine, the reference
// implementation) and onnxruntime run the same seeded random input at two legal input
// sizes; the outputs must agree to a tolerance relative to the output's range, and
// onnxruntime's output shape must be the one the IR predicts (as tf2onnx's run_test_case).
import type * as tfTypes from '@tensorflow/tfjs';
import type { Model } from '../language/ir/types.ts';
import { Random } from '../data/random.ts';
import { legalExtents } from '../language/shapes/legal.ts';
import { selectEngine, tf } from '../backends/tfjs/engines.ts';
import { createSession, runSession, type DenseTensor } from '../backends/onnx/runtime.ts';

/** docs/facts.md#tfjs-to-onnx: tfjs and onnxruntime agree to 1.4e-6 per op; 1e-4 of the output's range leaves room for depth. */
export const DEFAULT_TOLERANCE = 1e-4;

export interface VerifyOptions {
  /** Spatial input sizes to compare at; the two smallest legal sizes (one non-square) when absent. */
  sizes?: number[][];
  seed?: number;
  /** Maximum allowed max|tfjs - onnx| / (max - min of the tfjs output). */
  tolerance?: number;
}

export interface SizeComparison {
  size: number[];
  outputDims: number[];
  maxAbsDiff: number;
  /** maxAbsDiff divided by the range of the tfjs output. */
  maxRelDiff: number;
}

export interface VerifyReport {
  comparisons: SizeComparison[];
  maxAbsDiff: number;
  maxRelDiff: number;
  tolerance: number;
  ok: boolean;
}

/** Builds the tfjs model for one spatial input size (valid-padding tfjs models are size-specific, docs/facts.md#tfjs-limits). */
export type TfjsBuilder = (inputSize: number[]) => tfTypes.LayersModel;

/** Two sizes: the smallest legal cube/square, and one with a different first extent (catches swapped axes). */
export function defaultVerifySizes(model: Model): number[][] {
  const [a, b] = legalExtents(model.legalSizes, 2);
  const square = Array<number>(model.dims).fill(a);
  return [square, [b, ...square.slice(1)]];
}

/** The IR's output dims at a spatial input size (docs/ir.md: size = s * num / den + offset). */
export function predictedOutputDims(model: Model, batch: number, size: number[]): number[] {
  const spatial = model.output.symbolic.map((d, i) => (size[i] * d.num) / d.den + d.offset);
  return [batch, model.output.channels, ...spatial];
}

function randomInput(model: Model, size: number[], random: Random): DenseTensor {
  const dims = [1, model.input.channels, ...size];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let k = 0; k < data.length; k++) data[k] = random.normal();
  return { data, dims };
}

/** tfjs runs channels-last: NCHW -> NHWC for the input, and back for the output. */
function runTfjs(tfModel: tfTypes.LayersModel, input: DenseTensor): Float32Array {
  const rank = input.dims.length;
  const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  return tf.tidy(() => {
    const x = tf.transpose(tf.tensor(input.data, input.dims), toLast);
    const y = tfModel.predict(x) as tfTypes.Tensor;
    return tf.transpose(y, toFirst).dataSync() as Float32Array;
  });
}

function compare(expected: Float32Array, actual: Float32Array): { maxAbsDiff: number; maxRelDiff: number } {
  if (expected.length !== actual.length) {
    throw new Error(`tfjs gives ${expected.length} output values, onnxruntime ${actual.length}`);
  }
  let maxAbsDiff = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < expected.length; k++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(expected[k] - actual[k]));
    lo = Math.min(lo, expected[k]);
    hi = Math.max(hi, expected[k]);
  }
  // NaN anywhere makes maxAbsDiff NaN, which must fail: report it as infinite.
  if (Number.isNaN(maxAbsDiff)) maxAbsDiff = Infinity;
  return { maxAbsDiff, maxRelDiff: maxAbsDiff / Math.max(hi - lo, Number.MIN_VALUE) };
}

export async function verifyExport(
  model: Model,
  onnxBytes: Uint8Array,
  buildTfjs: TfjsBuilder,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const random = new Random(options.seed ?? 0);
  await selectEngine('cpu');
  const session = await createSession(onnxBytes);
  const comparisons: SizeComparison[] = [];
  try {
    for (const size of options.sizes ?? defaultVerifySizes(model)) {
      const input = randomInput(model, size, random);
      const onnxOutput = await runSession(session, input);
      const expectedDims = predictedOutputDims(model, 1, size);
      if (onnxOutput.dims.join('x') !== expectedDims.join('x')) {
        throw new Error(
          `at input ${size.join('x')} onnxruntime gives ${onnxOutput.dims.join('x')}, the IR predicts ${expectedDims.join('x')}`,
        );
      }
      const tfModel = buildTfjs(size);
      const expected = runTfjs(tfModel, input);
      tfModel.dispose();
      comparisons.push({ size, outputDims: onnxOutput.dims, ...compare(expected, onnxOutput.data) });
    }
  } finally {
    await session.release();
  }
  const maxAbsDiff = Math.max(...comparisons.map((c) => c.maxAbsDiff));
  const maxRelDiff = Math.max(...comparisons.map((c) => c.maxRelDiff));
  return { comparisons, maxAbsDiff, maxRelDiff, tolerance, ok: maxRelDiff <= tolerance };
}
