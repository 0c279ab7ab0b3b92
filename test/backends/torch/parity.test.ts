// Numeric parity: the generated PyTorch module against the tfjs backend (cpu, the
// reference) with the same random weights (batch-norm statistics included, eval mode) on
// the same seeded input. Together the fixtures cover every IR op and variant: each
// upsample mode (nearest, asymmetric bi/trilinear, align-corners), pixel shuffle (DCR) in
// 2D and 3D, valid padding with crops, same padding with odd totals and stride 2, every
// norm, attention and squeeze-excitation (mul), dropout, every activation, 3D.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Model } from '../../../src/language/ir/types.ts';
import { Random } from '../../../src/data/random.ts';
import { weightsFromTfjs } from '../../../src/backends/tfjs/weights.ts';
import { selectEngine } from '../../../src/backends/tfjs/engines.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { opZoo, tinySame, tinyValid } from '../../fixtures/onnx/models.ts';
import { atSize, randomizeWeights } from '../../fixtures/onnx/tfjs.ts';
import { zoo } from '../tfjs/zoo.ts';
import { hasTorch, runPython, warnSkip } from './python.ts';
import { TRAIN } from './train-config.ts';

const TOLERANCE = 1e-4;

// One Python process for every case: torch starts in about a second.
const COMPARE = `
import json, os, sys, importlib
import torch
torch.set_num_threads(2)
results = {}
for case in sys.argv[1:]:
    sys.path.insert(0, case)
    sys.modules.pop("model", None)
    model = importlib.import_module("model")
    net = model.load_weights(model.build_model(), case).eval()
    meta = json.load(open(os.path.join(case, "case.json")))
    read = lambda name, dims: torch.frombuffer(bytearray(open(os.path.join(case, name), "rb").read()), dtype=torch.float32).reshape(dims)
    x = read("input.bin", meta["input"])
    expected = read("expected.bin", meta["output"])
    with torch.no_grad():
        y = net(x)
    sys.path.pop(0)
    if list(y.shape) != meta["output"]:
        results[meta["name"]] = {"shape": list(y.shape)}
        continue
    diff = (y - expected).abs().max().item()
    span = (expected.max() - expected.min()).item()
    results[meta["name"]] = {"shape": list(y.shape), "maxAbs": diff, "rel": diff / max(span, 1e-30)}
print(json.dumps(results))
`;

/** NCHW -> NHWC, predict, back to NCHW. */
function runTfjs(tfModel: tf.LayersModel, data: Float32Array, dims: number[]): { out: Float32Array; dims: number[] } {
  const rank = dims.length;
  const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  return tf.tidy(() => {
    const y = tf.transpose(tfModel.predict(tf.transpose(tf.tensor(data, dims), toLast)) as tf.Tensor, toFirst);
    return { out: y.dataSync() as Float32Array, dims: y.shape };
  });
}

interface Case {
  name: string;
  /** The IR at a concrete size, as the tfjs backend needs it. */
  model: Model;
  size: number[];
}

const CASES: Case[] = [
  ...(['transposed', 'nearest', 'bilinear', 'align_corners', 'pixel_shuffle'] as const).map((up, i) => {
    const norm = (['batch', 'instance', 'group', 'batch', 'none'] as const)[i];
    const skip = (['concat', 'add', 'attention', 'concat', 'add'] as const)[i];
    const act = (['relu', 'leaky_relu', 'gelu', 'elu', 'tanh'] as const)[i];
    const model = tinySame({ up, norm, skip, act });
    return { name: model.name, model: atSize(model, [12, 16]), size: [12, 16] };
  }),
  ...(['bilinear', 'transposed', 'nearest', 'pixel_shuffle'] as const).map((up, i) => {
    const model = tinySame({ dims: 3, up, norm: (['instance', 'group', 'none', 'batch'] as const)[i], skip: (['concat', 'add', 'attention', 'concat'] as const)[i] });
    return { name: model.name, model: atSize(model, [4, 6, 8]), size: [4, 6, 8] };
  }),
  { name: 'tiny-valid', model: atSize(tinyValid(), [20, 24]), size: [20, 24] },
  { name: 'op-zoo', model: atSize(opZoo(), [12, 16]), size: [12, 16] },
  // The tfjs backend's own zoo: fixed sizes, 3D crops, both 3D upsample modes, 3D pixel shuffle.
  ...zoo()
    .filter((m) => m.input.size.every((s) => s !== null))
    .map((m) => ({ name: `tfjs-zoo-${m.name}`, model: m, size: m.input.size as number[] })),
];

describe('the generated PyTorch module matches tfjs', () => {
  let results: Record<string, { shape: number[]; maxAbs?: number; rel?: number }> = {};
  const expectedDims = new Map<string, number[]>();

  beforeAll(async () => {
    if (!hasTorch) return;
    await selectEngine('cpu');
    const root = mkdtempSync(join(tmpdir(), 'unet-torch-parity-'));
    const dirs: string[] = [];
    CASES.forEach((c, index) => {
      const tfModel = lowerModel(c.model, { initialize: false }).model;
      randomizeWeights(tfModel, 7);
      const dir = join(root, `case${index}`);
      emitTorch({ ...c.model, train: TRAIN }, dir, { origin: c.name, weights: weightsFromTfjs(tfModel, c.model) });
      const dims = [2, c.model.input.channels, ...c.size];
      const random = new Random(index + 1);
      const input = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random.normal());
      const { out, dims: outDims } = runTfjs(tfModel, input, dims);
      tfModel.dispose();
      expectedDims.set(c.name, outDims);
      writeFileSync(join(dir, 'input.bin'), new Uint8Array(input.buffer));
      writeFileSync(join(dir, 'expected.bin'), new Uint8Array(out.buffer));
      writeFileSync(join(dir, 'case.json'), JSON.stringify({ name: c.name, input: dims, output: outDims }));
      dirs.push(dir);
    });
    results = runPython(COMPARE, root, dirs);
  }, 120_000);

  if (!hasTorch) warnSkip('the PyTorch parity tests');
  for (const c of CASES) {
    test.skipIf(!hasTorch)(`${c.name} at ${c.size.join('x')}`, () => {
      const r = results[c.name];
      expect(r, `no result for ${c.name}`).toBeDefined();
      expect(r!.shape).toEqual(expectedDims.get(c.name));
      // The output shape is also the one the IR predicts.
      expect(r!.shape.slice(1)).toEqual([c.model.output.channels, ...c.model.output.size]);
      expect(r!.rel).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
