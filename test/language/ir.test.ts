// The IR as a contract: every spec's IR passes the JSON Schema, a broken IR is rejected
// with the JSON pointer of the bad value, output is byte-for-byte deterministic, an IR
// file compiles to the same model, and every node's symbolic shape agrees with its size.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileFile } from '../../src/node/compile-file.ts';
import type { Model } from '../../src/language/ir/types.ts';
import { validateModel } from '../../src/language/ir/validate.ts';
import { compile, SPECS } from './helpers.ts';

describe('every spec', () => {
  for (const path of SPECS)
    describe(path, () => {
      test('its IR validates against the schema', () => {
        const model = compile(path);
        expect(() => validateModel(JSON.parse(JSON.stringify(model)))).not.toThrow();
      });

      test('compiles to byte-identical JSON twice', () => {
        expect(JSON.stringify(compile(path))).toBe(JSON.stringify(compile(path)));
      });

      test('an IR .json file compiles to the same model', () => {
        const model = compile(path);
        const file = join(mkdtempSync(join(tmpdir(), 'unet-ir-')), 'model.json');
        writeFileSync(file, JSON.stringify(model, null, 2));
        const { model: reread, diagnostics } = compileFile(file);
        expect(diagnostics).toEqual([]);
        expect(JSON.stringify(reread)).toBe(JSON.stringify(model));
      });

      test("each node's symbolic shape at the input size is its concrete size", () => {
        let model = compile(path);
        // Specs that leave the size open are checked at their smallest legal size.
        if (model.input.size.some((s) => s === null)) {
          const size = model.legalSizes.min + model.legalSizes.modulus; // a second legal size, to catch offset-only fits
          model = compileFile(path, { input: [model.input.channels, ...Array<number>(model.dims).fill(size)] }).model!;
        }
        const input = model.input.size as number[];
        for (const node of [...model.nodes, { id: 'output', shape: model.output }]) {
          const evaluated = node.shape.symbolic.map((d, i) => (input[i]! * d.num) / d.den + d.offset);
          expect(evaluated, node.id).toEqual(node.shape.size);
        }
        expect(model.nodes.find((n) => n.id === model.outputNode)!.shape.size).toEqual(model.output.size);
      });
    });
});

describe('a broken IR is rejected with the JSON pointer of the bad value', () => {
  const paper = compile('specs/ronneberger2015.unet');
  /** The paper's IR with one change; node 3 is `enc1.conv2`. */
  function broken(change: (m: Record<string, any>) => void): () => Model {
    const copy = JSON.parse(JSON.stringify(paper));
    expect(copy.nodes[3].id).toBe('enc1.conv2');
    change(copy);
    return () => validateModel(copy);
  }

  test.each([
    ['a wrong op name', (m: Record<string, any>) => (m.nodes[3].op = 'convolution'), '/nodes/3/op'],
    ['a missing field', (m: Record<string, any>) => delete m.nodes[3].kernel, "/nodes/3: must have required property 'kernel'"],
    ['negative filters', (m: Record<string, any>) => (m.nodes[3].filters = -64), '/nodes/3/filters: must be >= 1'],
    ['an extra property', (m: Record<string, any>) => (m.nodes[3].color = 'red'), '/nodes/3: must NOT have additional properties'],
    ['a missing top-level field', (m: Record<string, any>) => delete m.totals, "/: must have required property 'totals'"],
    // Constraints that only the JSDoc tags of src/language/ir/types.ts carry into the generated schema:
    ['an unknown op lists the known ones', (m: Record<string, any>) => (m.nodes[3].op = 'convolution'), '/nodes/3/op: must be one of the node ops (input, conv, conv_transpose,'],
    ['an id with a space (@pattern)', (m: Record<string, any>) => (m.nodes[3].id = 'enc1 conv2'), '/nodes/3/id: must match pattern'],
    ['a 4D kernel (@maxItems 3)', (m: Record<string, any>) => (m.nodes[3].kernel = [3, 3, 3, 3]), '/nodes/3/kernel: must NOT have more than 3 items'],
    ['a fractional filter count (integer)', (m: Record<string, any>) => (m.nodes[3].filters = 63.5), '/nodes/3/filters: must be integer'],
    ['an IR version other than 1 (@const)', (m: Record<string, any>) => (m.irVersion = 2), '/irVersion: must be equal to constant'],
    ['a validation split above 0.9 (@maximum)', (m: Record<string, any>) => (m.train.valSplit = 0.95), '/train/valSplit: must be <= 0.9'],
    ['a zero learning rate (@exclusiveMinimum)', (m: Record<string, any>) => (m.train.optimizer.lr = 0), '/train/optimizer/lr: must be > 0'],
    ['a dropout rate of 1 (@exclusiveMaximum)', (m: Record<string, any>) => (m.nodes.find((n: { op: string }) => n.op === 'dropout').rate = 1), /\/nodes\/\d+\/rate: must be < 1/],
    ['an empty name (@minLength)', (m: Record<string, any>) => (m.name = ''), '/name: must NOT have fewer than 1 characters'],
  ])('%s', (_, change, message) => {
    expect(broken(change)).toThrow(message);
  });

  test('an IR file with a problem gives a diagnostic, not an exception', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'unet-ir-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ ...paper, depth: 'four' }));
    const { model, diagnostics } = compileFile(file);
    expect(model).toBeNull();
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch('/depth: must be integer');
  });
});
