// The exported file itself: deterministic bytes, graph I/O dims, metadata, and errors
// that list every unsupported node with its spec location.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { exportOnnx } from '../../../src/backends/onnx/export.ts';
import { UnsupportedOpsError } from '../../../src/backends/onnx/lower.ts';
import { decodeModel } from '../../../src/backends/onnx/proto.ts';
import { IrBuilder } from '../../fixtures/onnx/ir.ts';
import { opZoo, randomWeights, SWITCHED_ATTRIBUTES, tinySame, tinyValid, withUnknownValue } from '../../fixtures/onnx/models.ts';

const dimsOf = (info: { type?: { tensorType?: { shape?: { dim?: Array<{ dimValue?: unknown; dimParam?: string | null }> | null } | null } | null } | null }) =>
  info.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));

describe('exportOnnx', () => {
  test('re-export gives byte-identical files, folded or not', () => {
    for (const model of [tinySame(), tinyValid(), opZoo()]) {
      for (const foldBn of [false, true]) {
        const a = exportOnnx(model, randomWeights(model), { foldBn });
        const b = exportOnnx(structuredClone(model), randomWeights(model), { foldBn });
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      }
    }
  });

  test('IR version 8, opset 17, symbolic N/H/W in, H_out/W_out out when valid padding shrinks', () => {
    const same = decodeModel(exportOnnx(tinySame(), randomWeights(tinySame())));
    expect(Number(same.irVersion)).toBe(8);
    expect(same.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(dimsOf(same.graph!.input![0])).toEqual(['N', 3, 'H', 'W']);
    expect(dimsOf(same.graph!.output![0])).toEqual(['N', 2, 'H', 'W']);
    const valid = decodeModel(exportOnnx(tinyValid(), randomWeights(tinyValid())));
    expect(dimsOf(valid.graph!.output![0])).toEqual(['N', 1, 'H_out', 'W_out']);
    const model3d = tinySame({ dims: 3, norm: 'instance' });
    const volume = decodeModel(exportOnnx(model3d, randomWeights(model3d)));
    expect(dimsOf(volume.graph!.input![0])).toEqual(['N', 3, 'D', 'H', 'W']);
  });

  test('a fixed size fixes the spatial dims (from the IR) and must be legal', () => {
    const model = tinyValid();
    const fixed = decodeModel(exportOnnx(model, randomWeights(model), { fixedSize: [20, 16] }));
    expect(dimsOf(fixed.graph!.input![0])).toEqual(['N', 1, 20, 16]);
    expect(dimsOf(fixed.graph!.output![0])).toEqual(['N', 1, 6, 2]);
    expect(() => exportOnnx(model, randomWeights(model), { fixedSize: [17, 16] })).toThrow(
      /^fixed size 17x16 is not a legal input size of tiny-valid \(2D\); legal sizes: .+; the nearest to 17 are 16 and 18$/,
    );
  });

  test('metadata: spec, version, class names, normalisation, legal sizes', () => {
    const model = tinySame();
    const onnxModel = decodeModel(exportOnnx(model, randomWeights(model)));
    const metadata = Object.fromEntries(onnxModel.metadataProps.map((p) => [p.key, p.value]));
    const version = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;
    expect(metadata).toMatchObject({
      'unet.spec': model.source.text,
      'unet.spec_file': 'fixture.unet',
      'unet.version': version,
      'unet.class_names': '["class0","class1"]',
      'unet.input_normalization': 'unit',
      'unet.legal_input_sizes': '{"min":4,"modulus":2,"residues":[0]}',
      'unet.output_activation': 'softmax',
    });
    expect(onnxModel.producerName).toBe('unet-dsl');
  });

  test('attributes are sorted, epsilon / Resize modes / Softmax axis written explicitly, dropout removed', () => {
    const model = tinySame({ up: 'bilinear', norm: 'batch' });
    const graph = decodeModel(exportOnnx(model, randomWeights(model))).graph!;
    for (const node of graph.node!) {
      const names = node.attribute!.map((a) => a.name!);
      expect(names).toEqual([...names].sort());
    }
    const attrs = (op: string) => graph.node!.find((n) => n.opType === op)!.attribute!.map((a) => a.name);
    expect(attrs('BatchNormalization')).toEqual(['epsilon']);
    expect(attrs('Resize')).toEqual(['coordinate_transformation_mode', 'mode']);
    expect(attrs('Softmax')).toEqual(['axis']);
    const zoo = decodeModel(exportOnnx(opZoo(), randomWeights(opZoo()))).graph!;
    expect(zoo.node!.some((n) => n.opType === 'Dropout')).toBe(false);
    expect(zoo.node!.at(-1)!.output).toEqual(['output']);
  });

  test('batch-norm folding removes every BatchNormalization that follows a conv', () => {
    const model = tinySame({ norm: 'batch' });
    const ops = (foldBn: boolean) => decodeModel(exportOnnx(model, randomWeights(model), { foldBn })).graph!.node!.map((n) => n.opType);
    expect(ops(false).filter((o) => o === 'BatchNormalization')).toHaveLength(3);
    expect(ops(true).filter((o) => o === 'BatchNormalization')).toHaveLength(0);
  });

  test('unsupported nodes are reported together, with the backend and spec locations', () => {
    const b = new IrBuilder(3, 8);
    const conv = b.conv('strided', 'input', { filters: 16, stride: 2, dilation: 2 });
    const model = b.build('two-problems', b.pixelShuffle('shuffle', conv), { min: 8, modulus: 4, residues: [0] });
    expect(() => exportOnnx(model, randomWeights(model))).toThrow(UnsupportedOpsError);
    expect(() => exportOnnx(model, randomWeights(model))).toThrow(
      'the onnx backend cannot express 2 node(s):\n' +
        '  fixture.unet:2:3: conv (node strided): same padding with both stride > 1 and dilation > 1\n' +
        '  fixture.unet:3:3: pixel_shuffle (node shuffle): DepthToSpace is defined for 4D (2D image) tensors only',
    );
  });

  test.each(SWITCHED_ATTRIBUTES)('an unknown %s %s is refused by name, not exported as another', (op, attribute) => {
    const model = withUnknownValue(op, attribute);
    expect(() => exportOnnx(model, randomWeights(model))).toThrow(`unknown ${op} ${attribute}: "unknown"`);
  });

  test('missing weights and other opsets are clear errors', () => {
    const model = tinySame();
    expect(() => exportOnnx(model, new Map())).toThrow('node enc1.conv (conv): no kernel in the weights given');
    expect(() => exportOnnx(model, randomWeights(model), { opset: 13 as 17 })).toThrow(/opset 13 is not supported/);
  });
});
