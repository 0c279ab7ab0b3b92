// `unet import` and `unet export` end to end, through the CLI: PyTorch's file into a
// run directory, that run exported again and verified; failures exit non-zero with a message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { UNET } from '../../helpers/cli.ts';

const unet = (...args: string[]) => spawnSync(process.execPath, [UNET, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'unet-onnx-cli-'));
const fixture = (name: string) => join('test/fixtures/onnx', name);

test('import a PyTorch export into a run, then export and verify that run', () => {
  const run = join(dir, 'run');
  const imported = unet('import', fixture('tiny-torch.unet'), '--onnx', fixture('torch-unet.onnx'), '--out', run, '--input-size', '16x16', '--verify');
  expect(imported.stderr).not.toMatch(/error/);
  expect(imported.stdout).toMatch(/^imported 23 parametrised layers of .*torch-unet\.onnx into .*run \(7554 parameters\)\nverify 16x16: /);
  expect(imported.status).toBe(0);

  const file = join(dir, 'out.onnx');
  const exported = unet('export', run, '--onnx', file, '--fold-bn', '--verify');
  expect(exported.stdout).toMatch(/trained weights of .*model\)\n(verify .*\n){2}verified: onnxruntime matches tfjs/);
  expect(exported.status).toBe(0);
  // Byte-identical on re-export.
  const again = join(dir, 'again.onnx');
  expect(unet('export', run, '--onnx', again, '--fold-bn').status).toBe(0);
  expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
});

test('errors exit non-zero and leave no file behind', () => {
  const file = join(dir, 'bad.onnx');
  const illegal = unet('export', fixture('tiny-torch.unet'), '--onnx', file, '--fixed-size', '15x16');
  expect(illegal.status).not.toBe(0);
  expect(illegal.stderr).toMatch(/error: fixed size 15x16 is not a legal input size of TinyTorch \(2D\)/);
  expect(existsSync(file)).toBe(false);
  expect(unet('export', fixture('tiny-torch.unet'), '--onnx', file, '--opset', '13').stderr).toMatch(/--opset 13 is not supported/);
  const mismatch = unet('import', 'specs/milesial.unet', '--onnx', fixture('torch-unet.onnx'), '--out', join(dir, 'run2'), '--input-size', '16x16');
  expect(mismatch.status).not.toBe(0);
  expect(mismatch.stderr).toMatch(/error: \S*torch-unet\.onnx: parametrised layer 1 does not match: the spec's conv enc1\.conv1 \(specs\/milesial\.unet:\d+:\d+\) expects Conv with weight \[64, 3, 3, 3\]/);
});
