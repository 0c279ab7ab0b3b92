// `unet predict` on onnxruntime: an exported run predicts what the run itself predicts on
// tfjs, through the same overlap-tile code; the engine flags say what they do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readRaw, writeImagePng } from '../../../src/data/image-io.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { runUnet } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-predict-onnx-'));
const run = join(dir, 'run');
const unet = (...args: string[]) => runUnet(args);

writeFileSync(
  join(dir, 'tiny.unet'),
  `unet Tiny {
  input 1 x 32 x 32
  output 2 classes softmax
  depth 2
  filters 4 doubling
  padding same
  norm batch
  bias off
  train { loss ce_dice; optimizer adam lr 0.01; batch 8; epochs 1; seed 3 }
}
`,
);

test('an exported run predicts on onnxruntime what it predicts on tfjs, also on a larger tiled image', async () => {
  const trained = await unet('train', join(dir, 'tiny.unet'), '--data', 'builtin:ellipses:16', '--out', run, '--engine', 'cpu');
  expect(trained.stderr ?? '').not.toMatch(/error/);
  // 80x80 is not a legal size of this net (multiples of 4 from 4), so predict tiles it.
  const [sample] = makeEllipses({ count: 1, size: 80, seed: 11 });
  const image = join(dir, 'big.png');
  await writeImagePng(image, sample!.image);

  const tfjs = await unet('predict', run, image, '--out', join(dir, 'tfjs'), '--engine', 'cpu', '--probabilities');
  expect(tfjs.stdout).toMatch(/on cpu/);
  const noExport = await unet('predict', run, image, '--out', join(dir, 'x'), '--engine', 'onnx');
  expect(noExport.code).toBe(1);
  expect(noExport.stderr).toMatch(/has no model\.onnx: run `unet export/);

  const exported = await unet('export', run, '--onnx', join(run, 'model.onnx'), '--fold-bn');
  expect(exported.stdout).toMatch(/wrote .*model\.onnx/);
  // With an export in the run, auto picks onnxruntime.
  const onnx = await unet('predict', run, image, '--out', join(dir, 'onnx'), '--probabilities');
  expect(onnx.stdout).toMatch(/model\.onnx on onnxruntime/);

  const a = await readRaw(join(dir, 'tfjs', 'big_prob.png'));
  const b = await readRaw(join(dir, 'onnx', 'big_prob.png'));
  expect([b.width, b.height]).toEqual([80, 80]);
  // A network that learned something: the probabilities vary over the image.
  expect(Math.max(...a.data) - Math.min(...a.data)).toBeGreaterThan(50);
  // 8-bit probabilities: at most one grey level apart (float rounding at a level boundary).
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  expect(worst).toBeLessThanOrEqual(1);

  // Test-time augmentation on both engines: still the same probabilities, now averaged over the 8 flips and turns.
  const tfjsTta = await unet('predict', run, image, '--out', join(dir, 'tfjs-tta'), '--engine', 'cpu', '--probabilities', '--tta', 'd4');
  expect(tfjsTta.code, tfjsTta.stderr).toBe(0);
  const onnxTta = await unet('predict', run, image, '--out', join(dir, 'onnx-tta'), '--probabilities', '--tta', 'd4');
  expect(onnxTta.stdout).toMatch(/model\.onnx on onnxruntime/);
  const c = await readRaw(join(dir, 'tfjs-tta', 'big_prob.png'));
  const d = await readRaw(join(dir, 'onnx-tta', 'big_prob.png'));
  let worstTta = 0;
  let changed = 0;
  for (let i = 0; i < c.data.length; i++) {
    worstTta = Math.max(worstTta, Math.abs(c.data[i]! - d.data[i]!));
    if (c.data[i] !== a.data[i]) changed++;
  }
  expect(worstTta).toBeLessThanOrEqual(1);
  expect(changed).toBeGreaterThan(0); // a trained net is not flip-invariant: averaging changes it

  const wrongEngine = await unet('predict', join(run, 'model.onnx'), image, '--out', join(dir, 'y'), '--engine', 'wasm');
  expect(wrongEngine.code).toBe(1);
  expect(wrongEngine.stderr).toMatch(/is a TensorFlow\.js engine, but .* is an ONNX file/);
}, 120_000);
