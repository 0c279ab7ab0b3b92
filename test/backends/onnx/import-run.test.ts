// `unet import` writes a complete run, and `unet train --init` fine-tunes from it: a trained
// tiny network goes out as ONNX (unet export), comes back in as a run (unet import) that
// predict reads, and training from it (the run, or the .onnx file itself) starts at the
// trained model's loss, far below a fresh start's.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeImagePng } from '../../../src/data/image-io.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { runUnet } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-import-run-'));
const spec = join(dir, 'tiny.unet');
writeFileSync(
  spec,
  'unet Tiny {\n  input 1 x 16 x 16\n  output 2 classes softmax\n  depth 1\n  filters 4 doubling\n  padding same\n  norm batch\n' +
    '  train {\n    loss ce_dice\n    optimizer adam lr 0.02\n    batch 8\n    epochs 1\n    seed 3\n  }\n}\n',
);
const unet = (...args: string[]) => runUnet(args, dir);
const train = (out: string, ...args: string[]) => unet('train', spec, '--data', 'builtin:ellipses:32', '--engine', 'wasm', '--out', join(dir, out), ...args);
/** The training loss of the first epoch of a run. */
const firstLoss = (run: string) => JSON.parse(readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8').split('\n')[0]).loss as number;

describe('unet import -> predict -> train --init', { timeout: 480_000 }, () => {
  it('an imported run predicts, and fine-tuning starts from its weights', async () => {
    const trained = await train('trained', '--epochs', '6');
    expect(trained.code, trained.stderr).toBe(0);
    const onnx = join(dir, 'trained.onnx');
    const exported = await unet('export', join(dir, 'trained'), '--onnx', onnx);
    expect(exported.code, exported.stderr).toBe(0);

    const imported = await unet('import', spec, '--onnx', onnx, '--out', join(dir, 'imported'));
    expect(imported.code, imported.stderr).toBe(0);
    for (const f of ['.unet-run.json', 'spec.unet', 'ir.json', 'config.json', 'last.json', 'best.json', 'model/model.json']) {
      expect(existsSync(join(dir, 'imported', f)), f).toBe(true);
    }
    await writeImagePng(join(dir, 'shapes.png'), makeEllipses({ count: 1, size: 16, seed: 7 })[0].image);
    const predicted = await unet('predict', join(dir, 'imported'), join(dir, 'shapes.png'), '--out', join(dir, 'pred'), '--engine', 'wasm');
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(existsSync(join(dir, 'pred', 'shapes_mask.png'))).toBe(true);

    // An imported run has no training to resume: the refusal says how to fine-tune it.
    const resumed = await train('imported', '--resume');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/holds weights imported from .*trained\.onnx, which --out would resume as a training; fine-tune them in a new run with --init .*imported --out NEW/);
    // Nor is it replaced by a new training under the same name.
    const replaced = await train('imported');
    expect(replaced.code).toBe(1);
    expect(replaced.stderr).toMatch(/which --out would replace; fine-tune them/);

    expect((await train('from-run', '--init', join(dir, 'imported'))).code).toBe(0);
    expect((await train('from-onnx', '--init', onnx)).code).toBe(0);
    expect((await train('fresh')).code).toBe(0);
    // The same weights, whichever way they came: the same first loss.
    expect(firstLoss('from-run')).toBeCloseTo(firstLoss('from-onnx'), 5);
    // Far below a fresh start's (which is where training without --init begins).
    expect(firstLoss('from-run')).toBeLessThan(0.7 * firstLoss('fresh'));
    expect(JSON.parse(readFileSync(join(dir, 'from-run', 'config.json'), 'utf8')).init).toBe(join(dir, 'imported'));
  });

  it('--init names a source that does not exist, and refuses with --resume', async () => {
    const missing = await train('x', '--init', join(dir, 'nothing.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--init ${join(dir, 'nothing.onnx')}: does not exist`);
    const both = await train('x', '--init', join(dir, 'nothing.onnx'), '--resume');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--init starts a new run .* --resume continues one/);
  });
});
