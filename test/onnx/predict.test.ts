// `unet predict` on onnxruntime: an exported run predicts what the run itself predicts on
// tfjs, through the same overlap-tile code; the engine flags say what they do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readRaw, writeImagePng } from '../../src/data/image-io.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { runUnet } from '../helpers/cli.ts';

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

  const wrongEngine = await unet('predict', join(run, 'model.onnx'), image, '--out', join(dir, 'y'), '--engine', 'wasm');
  expect(wrongEngine.code).toBe(1);
  expect(wrongEngine.stderr).toMatch(/is a TensorFlow\.js engine, but .* is an ONNX file/);
}, 120_000);
