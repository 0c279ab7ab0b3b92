// `unet emit torch` end to end: a spec without weights, a spec with the tfjs backend's
// seeded weights, and a training run directory with its checkpoint's weights; the
// PyTorch package must compute what the tfjs model computes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { UNET } from '../../helpers/cli.ts';
import { compileFile } from '../../../src/node/compile-file.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { Random } from '../../../src/data/random.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { buildModel } from '../../../src/backends/tfjs/build.ts';
import { selectEngine } from '../../../src/backends/tfjs/engines.ts';
import { saveModel } from '../../../src/backends/tfjs/io.ts';
import { createRunDir, openRunDir, runPaths } from '../../../src/app/train/run-dir.ts';
import { randomizeWeights } from '../../fixtures/onnx/tfjs.ts';
import { hasTorch, runPython, warnSkip } from './python.ts';
import { TRAIN } from './train-config.ts';

const unet = (...args: string[]) => spawnSync(process.execPath, [UNET, ...args], { encoding: 'utf8' });

// Runs the package's model (its own weights.json) on input.bin and compares with expected.bin.
const COMPARE = `
import json, sys
import torch
import model
net = model.load_weights(model.build_model(), ".").eval()
dims = json.loads(sys.argv[1])
read = lambda name: torch.frombuffer(bytearray(open(name, "rb").read()), dtype=torch.float32)
x = read("input.bin").reshape(dims)
with torch.no_grad():
    y = net(x)
expected = read("expected.bin").reshape(y.shape)
print(json.dumps({"rel": ((y - expected).abs().max() / (expected.max() - expected.min())).item()}))
`;

/** Writes input.bin and expected.bin (the tfjs model's NCHW output) into the package. */
function writeReference(pkg: string, tfModel: tf.LayersModel, dims: number[]): void {
  const random = new Random(11);
  const input = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random.normal());
  const output = tf.tidy(() => tf.transpose(tfModel.predict(tf.transpose(tf.tensor(input, dims), [0, 2, 3, 1])) as tf.Tensor, [0, 3, 1, 2]).dataSync() as Float32Array);
  writeFileSync(join(pkg, 'input.bin'), new Uint8Array(input.buffer));
  writeFileSync(join(pkg, 'expected.bin'), new Uint8Array(output.buffer));
}

let root = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'unet-torch-cli-'));
  await selectEngine('cpu');
});

test('a spec: model.py, train.py and its data pipeline, README.md, ir.json and no weights', () => {
  const out = join(root, 'plain');
  const r = unet('emit', 'torch', 'specs/ellipses.unet', '--out', out);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/wrote .*plain: model\.py, train\.py, data\.py, augment\.py, weight_map\.py, budget\.py, README\.md, ir\.json \(\d+ parameters, no weights\)/);
  // .unet-emit.json: the marker that lets a later emit replace these files (src/io/out-dir.ts).
  expect(readdirSync(out).sort()).toEqual(['.unet-emit.json', 'README.md', 'augment.py', 'budget.py', 'data.py', 'ir.json', 'model.py', 'train.py', 'weight_map.py']);
});

test('an unknown target or a broken spec fails with a message and exit code 1', () => {
  const r = unet('emit', 'jax', 'specs/ellipses.unet', '--out', join(root, 'x'));
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/unknown target 'jax': expected one of torch/);
  const missing = unet('emit', 'torch', 'specs/nope.unet', '--out', join(root, 'y'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/nope\.unet/);
});

if (!hasTorch) warnSkip('the emitted-weights parity tests');

test.skipIf(!hasTorch)('--seeded-weights: the same initial weights as the tfjs backend (buildModel with the seed)', () => {
  const out = join(root, 'seeded');
  const r = unet('emit', 'torch', 'specs/ellipses.unet', '--out', out, '--seeded-weights', '--seed', '3');
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/seeded initial weights \(seed 3\)/);
  const model = compileFile('specs/ellipses.unet').model!;
  const tfModel = buildModel(model, { seed: 3, inputSize: [16, 24] });
  writeReference(out, tfModel, [2, 1, 16, 24]);
  expect(runPython<{ rel: number }>(COMPARE, out, [JSON.stringify([2, 1, 16, 24])]).rel).toBeLessThanOrEqual(1e-4);
}, 60_000);

test.skipIf(!hasTorch)('a run directory: its trained weights (batch-norm statistics included) and its normalisation', async () => {
  const run = join(root, 'run');
  const ir: Model = { ...withInputSize(compileFile('specs/ellipses.unet').model!, [16, 16]), train: TRAIN };
  const normalizer = { mode: 'dataset' as const, mean: [0.42], std: [0.17] };
  openRunDir(run, 'train', { replace: false })(); // claimed and released: a run folder of this version
  createRunDir(run, ir, { spec: 'specs/ellipses.unet', data: 'none', engine: 'cpu', inputSize: [16, 16], normalizer, train: TRAIN });
  const tfModel = buildModel(ir);
  randomizeWeights(tfModel, 4); // stands in for training
  // model/ holds the run's best weights as a tfjs model (src/app/train/run-dir.ts).
  await saveModel(tfModel, runPaths(run).model);
  const out = join(root, 'from-run');
  const r = unet('emit', 'torch', run, '--out', out);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/trained weights of .*model/);
  // train.py uses the run's data-set statistics (normalizer.json) instead of refitting them.
  expect(JSON.parse(readFileSync(join(out, 'normalizer.json'), 'utf8'))).toEqual(normalizer);
  writeReference(out, tfModel, [2, 1, 16, 16]);
  expect(runPython<{ rel: number }>(COMPARE, out, [JSON.stringify([2, 1, 16, 16])]).rel).toBeLessThanOrEqual(1e-4);
}, 60_000);
