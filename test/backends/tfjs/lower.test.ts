// The tfjs lowering against the IR: parameter counts, the shape of every node in a real
// forward pass, located errors for what tfjs cannot express, and seeded initial weights.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasWebGpu } from '../../helpers/webgpu.ts';
import { knownGaps } from '../../../src/backends/tfjs/gaps.ts';
import { registerWasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';
import { debugModel, inputFor, IrBuilder, trainableParams } from './fixtures.ts';
import { zoo } from './zoo.ts';
import { SWITCHED_ATTRIBUTES, withUnknownValue } from '../../fixtures/onnx/models.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lowerModel on hand-built IR models', () => {
  for (const ir of zoo()) {
    it(`${ir.name}: parameters and every node's shape match the IR`, () => {
      const { model, tensors } = lowerModel(ir);
      expect(trainableParams(model)).toBe(ir.totals.params);
      expect(model.layers.map((l) => l.name).sort()).toEqual(ir.nodes.map((n) => n.id).sort());

      const size = ir.input.size.map((n) => n ?? 8);
      const debug = debugModel(model.inputs[0], tensors);
      const outputs = tf.tidy(() => debug.model.predict(inputFor(ir.input, size)) as tf.Tensor[]);
      debug.ids.forEach((id, i) => {
        const node = ir.nodes.find((n) => n.id === id)!;
        const expected = [1, ...node.shape.size.map((n, axis) => n ?? outputs[i].shape[axis + 1]), node.shape.channels];
        expect({ id, shape: outputs[i].shape }).toEqual({ id, shape: expected });
        expect(outputs[i].dataSync().every(Number.isFinite)).toBe(true);
      });
      tf.dispose(outputs);
    });
  }

  it('a softmax head sums to one over the channel axis', () => {
    const ir = zoo()[0];
    const sums = tf.tidy(() => (lowerModel(ir).model.predict(inputFor(ir.input)) as tf.Tensor).sum(-1));
    for (const s of sums.dataSync()) expect(s).toBeCloseTo(1, 5);
  });
});

describe('training and engines', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    // The conv3dTranspose gradient tfjs-core lacks (selectEngine registers it too).
    registerWasmTrainingKernels();
  });

  for (const ir of zoo()) {
    it(`${ir.name}: every trainable weight gets a finite, non-zero gradient in training mode, or a known gap says why not`, () => {
      const { model } = lowerModel(ir);
      const x = inputFor(ir.input, ir.input.size.map((n) => n ?? 8));
      const target = tf.randomUniform([1, ...ir.output.size.map((n) => n ?? 8), ir.output.channels], 0, 1, 'float32', 2);
      const loss = () => tf.losses.meanSquaredError(target, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
      if (knownGaps(ir, 'cpu', true).length > 0) {
        expect(() => tf.variableGrads(loss)).toThrow('not yet supported in gradients');
        return;
      }
      const { grads } = tf.variableGrads(loss);
      for (const w of model.trainableWeights) {
        const g = grads[w.name]?.dataSync() ?? [];
        expect({ weight: w.originalName, finite: g.every(Number.isFinite), nonzero: g.some((v) => v !== 0) }).toEqual({ weight: w.originalName, finite: true, nonzero: true });
      }
      tf.dispose(grads);
    });
  }

  // webgpu on SwiftShader (test/helpers/webgpu.ts) where libvulkan1 and chromium are installed.
  const engines = ['wasm', ...(hasWebGpu ? (['webgpu'] as const) : [])] as const;
  it.each(engines)('the %s engine gives the cpu outputs of every hand-built model without a known gap', async (engine) => {
    const models = zoo();
    const outputs: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', engine]) {
      await tf.setBackend(backend);
      outputs[backend] = [];
      for (const ir of models) {
        const x = inputFor(ir.input, ir.input.size.map((n) => n ?? 8));
        const y = lowerModel(ir).model.predict(x) as tf.Tensor;
        // data(), not dataSync(): the webgpu engine cannot read synchronously in Node.
        outputs[backend].push((await y.data()) as Float32Array);
        tf.dispose([x, y]);
      }
    }
    await tf.setBackend('cpu');
    const agreement = models.map((ir, i) => {
      const diff = Math.max(...outputs.cpu[i].map((v, j) => Math.abs(v - outputs[engine][i][j])));
      return { model: ir.name, agrees: diff < 1e-4 };
    });
    expect(agreement).toEqual(models.map((ir) => ({ model: ir.name, agrees: knownGaps(ir, engine, false).length === 0 })));
    // wasm's own MaxPool3D and Conv3DBackpropInputV2 are wrong; ours (src/backends/tfjs/kernels) replace them.
    expect(knownGaps(models.find((m) => m.name === 'unet3d')!, engine, false)).toEqual([]);
  });
});

describe('what tfjs cannot express', () => {
  it.each(SWITCHED_ATTRIBUTES)('an unknown %s %s is refused by name, not built as another', (op, attribute) => {
    expect(() => lowerModel(withUnknownValue(op, attribute))).toThrow(`unknown ${op} ${attribute}: "unknown"`);
  });

  it('lists every problem with its spec location and the backend name in one error', () => {
    const b = new IrBuilder(2, 1, [null, null], 'valid');
    const c = b.conv('strided', 'input', 4, { stride: [2, 2], dilation: [2, 2] });
    const k = b.add('crop', { op: 'crop', begin: [1, 1], end: [1, 1] }, 'input');
    b.add('unreachable', { op: 'concat' }, c, k);
    const ir = b.build('unreachable');
    expect(() => lowerModel(ir)).toThrowError(
      [
        'the tfjs backend cannot express 2 node(s):',
        '  fixture.unet:2:3: conv (node strided): conv with stride [2,2] and dilation [2,2] together is not supported (tf.conv2d needs one of them to be 1)',
        "  fixture.unet:3:3: crop (node crop): crop of an input of symbolic size [null,null] is not supported: build valid-padding models for a concrete size (buildModel's inputSize)",
      ].join('\n'),
    );
  });
});

describe('initial weights', () => {
  const ir = zoo()[0];
  const weights = (seed: number) => lowerModel(ir, { seed }).model.getWeights().map((w) => w.dataSync());

  it('the same seed gives identical weights, another seed others', () => {
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)[0]).not.toEqual(weights(4)[0]);
  });

  it('he_normal is a Gaussian with std sqrt(2 / fan_in), biases zero, norm scale one', () => {
    const b = new IrBuilder(2, 64, [4, 4]);
    const { model } = lowerModel(b.build(b.conv('conv', 'input', 64)));
    const [kernel, bias] = model.getLayer('conv').getWeights().map((w) => Array.from(w.dataSync()));
    const mean = kernel.reduce((a, v) => a + v, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((a, v) => a + (v - mean) ** 2, 0) / kernel.length);
    // U-Net paper, sec. 3: 3*3*64 inputs per neuron give std 0.059; not truncated at 2 std.
    expect(std).toBeCloseTo(Math.sqrt(2 / 576), 3);
    expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(2 * Math.sqrt(2 / 576));
    expect(bias.every((v) => v === 0)).toBe(true);
    const bn = lowerModel(zoo()[0]).model.getLayer('enc1.norm').getWeights();
    expect(Array.from(bn[0].dataSync()).every((v) => v === 1)).toBe(true);
  });
});
