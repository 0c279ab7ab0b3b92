// Every spec of specs/ built with the tfjs backend: output shape and trainable parameters
// equal the IR's. Full-size nets are built and counted; every net also runs a
// forward pass (heavy ones narrowed) with every node's shape compared to the IR.
import { narrowed } from '../../helpers/narrowed.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, rebuildForSize } from '../../../src/backends/tfjs/build.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';
import { compileFile } from '../../../src/node/compile-file.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { legalExtents } from '../../../src/language/shapes/legal.ts';
import { debugModel, inputFor, trainableParams } from './fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SPECS = 'specs';
const specs = (readdirSync(SPECS, { recursive: true }) as string[]).filter((f) => f.endsWith('.unet')).sort();

/**
 * Forward passes only below this many multiply-adds at the smallest legal size: the cpu
 * engine (pure JS) would take minutes for the valid-padding nets (6e9 for the paper's
 * U-Net at 188 px, 7e10 for the 3D U-Net at 92^3).
 */
const SMALL_MACS = 3e8;

function compile(file: string): Model {
  const { model, diagnostics } = compileFile(join(SPECS, file));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return model!;
}

/** The smallest legal extent per spatial axis. */
function smallestLegal(ir: Model): number[] {
  const [s] = legalExtents(ir.legalSizes, 1);
  return ir.input.size.map(() => s!);
}

/** Independent counts (docs/facts.md#reference-figures), not taken from the IR. */
const REFERENCE_PARAMS: Record<string, number> = {
  'ronneberger2015.unet': 31_030_658,
  'milesial.unet': 31_037_698,
  'milesial-bilinear.unet': 17_263_042,
};

const outputShape = (ir: Model) => [...ir.output.size, ir.output.channels];

describe.runIf(specs.length > 0)('specs/*.unet with the tfjs backend', () => {
  for (const file of specs) {
    it(`${file}: output shape and trainable parameters equal the IR's`, () => {
      const ir = compile(file);
      const fixed = ir.input.size.every((n) => n !== null);
      const at = fixed ? ir : withInputSize(ir, smallestLegal(ir));
      const model = buildModel(ir, fixed ? {} : { inputSize: smallestLegal(ir) });
      expect(trainableParams(model)).toBe(ir.totals.params);
      if (file in REFERENCE_PARAMS) expect(trainableParams(model)).toBe(REFERENCE_PARAMS[file]);
      expect(model.outputs[0].shape.slice(1)).toEqual(outputShape(at));
      model.dispose();
    });
  }

  for (const file of specs) {
    const full = withInputSize(compile(file), smallestLegal(compile(file)));
    // Full-size nets too heavy for the cpu engine in CI time run narrowed: same graph and sizes.
    const narrow = full.totals.macs! > SMALL_MACS;
    it(`${file}: a forward pass at the smallest legal size gives every node the IR's shape${narrow ? ' (narrowed)' : ''}`, () => {
      const thin = narrow ? narrowed(join(SPECS, file), { divisor: 32, min: 2 }) : full;
      const at = narrow ? withInputSize(thin, smallestLegal(thin)) : full;
      expect(at.totals.macs!).toBeLessThanOrEqual(SMALL_MACS);
      const { model, tensors } = lowerModel(at);
      const debug = debugModel(model.inputs[0], tensors);
      const outputs = tf.tidy(() => debug.model.predict(inputFor(at.input)) as tf.Tensor[]);
      const actual = debug.ids.map((id, i) => [id, outputs[i].shape.slice(1)]);
      const expected = debug.ids.map((id) => {
        const node = at.nodes.find((n) => n.id === id)!;
        return [id, [...node.shape.size, node.shape.channels]];
      });
      expect(actual).toEqual(expected);
      tf.dispose(outputs);
      model.dispose();
    });
  }
});

describe('rebuildForSize', () => {
  it.runIf(specs.includes('ellipses.unet'))('keeps every weight and gives the IR output shape at the new size', () => {
    const ir = compile('ellipses.unet');
    const [small] = smallestLegal(ir);
    const larger = ir.input.size.map(() => small + ir.legalSizes.modulus);
    const trained = buildModel(ir, { inputSize: smallestLegal(ir), seed: 5 });
    const rebuilt = rebuildForSize(trained, ir, larger);
    expect(rebuilt.outputs[0].shape.slice(1)).toEqual(outputShape(withInputSize(ir, larger)));
    expect(rebuilt.getWeights().map((w) => w.dataSync())).toEqual(trained.getWeights().map((w) => w.dataSync()));
  });
});
