// `unet train` and `unet predict` as a user runs them (a child process):
// error messages and exit codes, the run directory, resume, Ctrl-C, and prediction.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/backends/tfjs/io.ts';
import { tfjsPredictor } from '../../../src/app/train/predictor.ts';
import { readRunDir } from '../../../src/app/train/run-dir.ts';
import { readRaw, writeImagePng, writeMaskPng } from '../../../src/data/image-io.ts';
import { VALID_SPEC } from '../../backends/tfjs/train/helpers.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { runUnet, trainInBackground } from '../../helpers/cli.ts';
import { checkpointDir } from '../../../src/io/checkpoints.ts';

await tf.setBackend('cpu');

const dir = mkdtempSync(join(tmpdir(), 'unet-cli-'));
const spec = join(dir, 'tiny.unet');
writeFileSync(
  spec,
  `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  norm    batch
  down    maxpool 2x2
  up      transposed 2x2
  skip    concat
  train {
    loss      ce_dice
    optimizer adam lr 0.01
    batch     16
    epochs    1
    seed      3
  }
}
`,
);

const unet = (...args: string[]) => runUnet(args, dir);

const train = (out: string, ...args: string[]) =>
  unet('train', spec, '--data', 'builtin:ellipses:64', '--engine', 'wasm', '--out', join(dir, out), ...args);

describe.concurrent('unet train: bad input gives a clear message, a non-zero exit and no run directory', { timeout: 30_000 }, () => {
  it.each([
    [['--epochs', 'abc'], /--epochs.*'abc'.*positive integer/],
    [['--lr', '-1'], /--lr.*'-1'.*positive number/],
    [['--val-split', '1.5'], /--val-split.*'1.5'/],
    [['--engine', 'tpu'], /'tpu'.*auto, gpu, webgpu, node, wasm, cpu/],
    [['--time', '20'], /--time.*'20'.*duration such as 20m/],
  ])('%s', async (flags, message) => {
    const r = await train('bad-flag', ...flags);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'bad-flag'))).toBe(false);
  });

  it('a missing data folder is named', async () => {
    const r = await unet('train', spec, '--data', join(dir, 'nowhere'), '--out', join(dir, 'bad-data'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'nowhere')}: data folder does not exist`);
    expect(existsSync(join(dir, 'bad-data'))).toBe(false);
  });

  it('a folder with a mask of the wrong size names the mask file', async () => {
    const data = join(dir, 'bad-folder');
    mkdirSync(join(data, 'images'), { recursive: true });
    mkdirSync(join(data, 'masks'), { recursive: true });
    for (const [i, s] of makeEllipses({ count: 2, size: 16, seed: 1 }).entries()) {
      await writeImagePng(join(data, 'images', `${i}.png`), s.image);
      await writeMaskPng(join(data, 'masks', `${i}.png`), i === 1 ? { height: 8, width: 8, data: new Uint8Array(64) } : s.mask, [0, 255]);
    }
    const r = await unet('train', spec, '--data', data, '--out', join(dir, 'bad-folder-run'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(data, 'masks', '1.png')}: mask is 8x8 but its image`);
    expect(existsSync(join(dir, 'bad-folder-run'))).toBe(false);
  });

  it('an unknown built-in data set is named', async () => {
    const r = await unet('train', spec, '--data', 'builtin:circles', '--out', join(dir, 'bad-builtin'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown built-in data set 'builtin:circles'");
  });

  it('a spec with errors prints its diagnostics', async () => {
    const broken = join(dir, 'broken.unet');
    writeFileSync(broken, 'unet Broken {\n  input 1 x 16 x 16\n  depth -2\n}\n');
    const r = await unet('train', broken, '--data', 'builtin:ellipses', '--out', join(dir, 'bad-spec'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.unet');
    expect(existsSync(join(dir, 'bad-spec'))).toBe(false);
  });

  it('a network tfjs cannot train (dilated convolutions) is refused with its location', async () => {
    const dilated = join(dir, 'dilated.unet');
    writeFileSync(dilated, 'unet Dilated {\n  input 1 x 16 x 16\n  output 2 classes\n  depth 1\n  filters 4\n  dilation 2\n}\n');
    const r = await unet('train', dilated, '--data', 'builtin:ellipses:8', '--out', join(dir, 'dilated-run'), '--engine', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dilated\.unet:1:6: tfjs backend \(cpu\): training conv with dilation \[2,2\] is not supported .* \(nodes enc1\.conv1, /);
    expect(existsSync(join(dir, 'dilated-run'))).toBe(false);
  });
});

describe('unet train and predict on a tiny network (wasm)', { timeout: 60_000 }, () => {
  it('writes the run directory; resume continues to the same weights as a straight run', async () => {
    const straight = await train('straight', '--epochs', '2');
    expect(straight.code, straight.stderr).toBe(0);
    expect(straight.stdout).toMatch(/epoch 2\/2 .*val Dice \d\.\d{4}/);
    for (const f of ['spec.unet', 'ir.json', 'config.json', 'metrics.jsonl', 'chart.png', '.unet-run.json', 'last.json', 'best.json', 'model/model.json']) {
      expect(existsSync(join(dir, 'straight', f)), f).toBe(true);
    }
    const lines = readFileSync(join(dir, 'straight', 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).epoch)).toEqual([1, 2]);
    const { config } = await readRunDir(join(dir, 'straight'));
    expect(config.train.epochs).toBe(2);
    expect(config.train.optimizer.lr).toBe(0.01);

    expect((await train('resumed', '--epochs', '1')).code).toBe(0);
    const again = await train('resumed', '--epochs', '1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('replacing the earlier run');
    const resumed = await train('resumed', '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resuming after epoch 1');
    const weights = (run: string) => readFileSync(join(checkpointDir(join(dir, run), 'last'), 'tensors.bin'));
    expect(weights('resumed').equals(weights('straight'))).toBe(true);
  });

  it('--time 3s ends at the budget with a checkpoint and exit 0; --resume --time trains on to a longer budget', async () => {
    const timed = await train('timed', '--time', '3s', '--epochs', '1');
    expect(timed.code, timed.stderr).toBe(0);
    expect(timed.stdout).toMatch(/for 3s in epochs of 4 steps \(batch 16\)/);
    expect(timed.stdout).toMatch(/^epoch 2 .* img\/s /m); // past `--epochs 1`, no epoch count to show
    expect(timed.stdout).toContain('time budget reached');
    expect(timed.stdout).toMatch(/time: data preparation \d+\.\d s, steps \d+\.\d s, validation \d+\.\d s/);
    const checkpoint = () => JSON.parse(readFileSync(join(checkpointDir(join(dir, 'timed'), 'last'), 'checkpoint.json'), 'utf8')).state;
    const first = checkpoint();
    // A step of this net takes milliseconds: it stops right after the budget, validated once more.
    expect(first.elapsed).toBeGreaterThanOrEqual(3);
    expect(first.elapsed).toBeLessThan(5);
    const resumed = await train('timed', '--resume', '--time', '5s');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('time budget reached');
    const second = checkpoint();
    expect(second.elapsed).toBeGreaterThanOrEqual(5);
    expect(second.history.length).toBeGreaterThan(first.history.length);
  });

  it('batches prepared ahead in worker threads (UNET_PREFETCH=1) train to the same weights as on the main thread (=0); the time line says what the steps waited', async () => {
    const augmented = (run: string, prefetch: string) => runUnet(['train', spec, '--data', 'builtin:ellipses:64', '--engine', 'wasm', '--epochs', '2', '--augment', 'flip; rotate 10; brightness 0.1', '--out', join(dir, run)], dir, { UNET_PREFETCH: prefetch });
    const [here, ahead] = [await augmented('prepared-here', '0'), await augmented('prepared-ahead', '1')];
    expect(here.code, here.stderr).toBe(0);
    expect(ahead.code, ahead.stderr).toBe(0);
    expect(here.stdout).not.toContain('prepared ahead');
    expect(ahead.stdout).toMatch(/batches prepared ahead by \d worker threads?:/);
    expect(ahead.stdout).toMatch(/time: waiting for batches \(prepared ahead\) \d+\.\d s, steps \d+\.\d s, validation \d+\.\d s/);
    const weights = (run: string) => readFileSync(join(checkpointDir(join(dir, run), 'last'), 'tensors.bin'));
    expect(weights('prepared-ahead').equals(weights('prepared-here'))).toBe(true);
  });

  it('Ctrl-C finishes the step, writes the last checkpoint and exits 130', async () => {
    const { code, stdout } = await trainInBackground(
      ['train', spec, '--data', 'builtin:ellipses:64', '--engine', 'wasm', '--epochs', '200', '--out', join(dir, 'interrupted')],
      (child) => child.kill('SIGINT'),
    );
    expect(code).toBe(130);
    expect(stdout).toContain('continue with --resume');
    const state = JSON.parse(readFileSync(join(checkpointDir(join(dir, 'interrupted'), 'last'), 'checkpoint.json'), 'utf8')).state;
    expect(state.epoch).toBeGreaterThanOrEqual(1);
  });

  it('predict writes mask and overlay PNGs; the saved model predicts exactly what the checkpoint does', async () => {
    const run = join(dir, 'straight');
    const image = makeEllipses({ count: 1, size: 32, seed: 99 })[0].image;
    const path = join(dir, 'shapes.png');
    await writeImagePng(path, image);
    const r = await unet('predict', run, path, '--out', join(dir, 'pred'), '--engine', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'pred', 'shapes_mask.png'))).toBe(true);
    expect(existsSync(join(dir, 'pred', 'shapes_overlay.png'))).toBe(true);
    const p = await unet('predict', run, path, '--out', join(dir, 'pred'), '--probabilities', '--engine', 'wasm');
    expect(p.code, p.stderr).toBe(0);
    expect(existsSync(join(dir, 'pred', 'shapes_prob.png'))).toBe(true);

    const { ir } = await readRunDir(run);
    const predictor = await tfjsPredictor(ir, checkpointDir(run, 'best'));
    const x = makeEllipses({ count: 2, size: 16, seed: 5 }).flatMap((s) => Array.from(s.image.data));
    const fromCheckpoint = await predictor(Float32Array.from(x), 2, 16, 16);
    const saved = await loadModel(join(run, 'model'));
    const fromSaved = (saved.predict(tf.tensor4d(x, [2, 16, 16, 1])) as tf.Tensor).dataSync();
    expect(Array.from(fromSaved)).toEqual(Array.from(fromCheckpoint));
  });

  it('a valid-padding net trains on crops with weighted CE and predicts large images by tiles', async () => {
    const validSpec = join(dir, 'valid.unet');
    writeFileSync(validSpec, VALID_SPEC);
    const run = join(dir, 'valid-run');
    const t = await unet('train', validSpec, '--data', 'builtin:ellipses:32', '--engine', 'wasm', '--out', run);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('images of 36x36');
    const path = join(dir, 'large.png');
    await writeImagePng(path, makeEllipses({ count: 1, size: 80, seed: 4 })[0].image);
    const p = await unet('predict', run, path, '--out', join(dir, 'pred-valid'), '--engine', 'wasm');
    expect(p.code, p.stderr).toBe(0);
    expect((await readRaw(join(dir, 'pred-valid', 'large_mask.png'))).width).toBe(80);
  });

  it('predict names a model that is missing, and a folder that is not a run', async () => {
    const missing = await unet('predict', join(dir, 'nothing'), join(dir, 'shapes.png'), '--out', join(dir, 'pred2'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nothing does not exist \(expected a run directory of `unet train` or an \.onnx file\)/);
    mkdirSync(join(dir, 'not-a-run'), { recursive: true });
    const notRun = await unet('predict', join(dir, 'not-a-run'), join(dir, 'shapes.png'), '--out', join(dir, 'pred3'), '--engine', 'cpu');
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toContain('not a training run');
  });
});
