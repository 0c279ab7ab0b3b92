// Damaged run files and ONNX files, through the real CLI: every command exits 1 with a
// message that names the file and says what is wrong (src/io/read-file.ts), never a bare
// "Unexpected end of JSON input", "ir.nodes is not iterable" or ENOENT.
import { cpSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { writeImagePng } from '../../../src/data/image-io.ts';
import { checkpointDir } from '../../../src/io/checkpoints.ts';
import { runUnet } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-run-files-'));
const unet = (...args: string[]) => runUnet(args, dir);
const half = (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2));

/** A copy of the trained run with one file damaged by `damage`. */
let copies = 0;
function damagedRun(file: string | ((run: string) => string), damage: (path: string) => void): { run: string; file: string } {
  const run = join(dir, `run-${++copies}`);
  cpSync(join(dir, 'run'), run, { recursive: true });
  const path = typeof file === 'string' ? join(run, file) : file(run);
  damage(path);
  return { run, file: path };
}

/** A file of the checkpoint that a run's pointer (best.json, last.json) names. */
const inCheckpoint = (name: 'best' | 'last', file: string) => (run: string) => join(checkpointDir(run, name), file);

beforeAll(async () => {
  writeFileSync(
    join(dir, 'tiny.unet'),
    'unet Tiny {\n  input 1 x 16 x 16\n  output 2 classes softmax\n  depth 1\n  filters 4\n  padding same\n  train {\n    batch 8\n    epochs 1\n  }\n}\n',
  );
  const trained = await unet('train', 'tiny.unet', '--data', 'builtin:ellipses:8', '--engine', 'wasm', '--workers', '1', '--out', 'run');
  expect(trained.code, trained.stderr).toBe(0);
  expect((await unet('export', 'tiny.unet', '--onnx', 'tiny.onnx')).code).toBe(0);
  await writeImagePng(join(dir, 'image.png'), makeEllipses({ count: 1, size: 16, seed: 1 })[0].image);
}, 240_000);

describe('damaged run files are named, with what is wrong', { timeout: 120_000 }, () => {
  it('a truncated checkpoint.json (predict)', async () => {
    const { run, file } = damagedRun(inCheckpoint('best', 'checkpoint.json'), half);
    const r = await unet('predict', run, 'image.png', '--out', join(run, 'masks'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not valid JSON (truncated?)`);
  });

  it('an odd-length tensors.bin (resume)', async () => {
    const { run, file } = damagedRun(inCheckpoint('last', 'tensors.bin'), (path) => truncateSync(path, readFileSync(path).length - 3));
    const r = await unet('train', 'tiny.unet', '--data', 'builtin:ellipses:8', '--out', run, '--resume', '--epochs', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}: \\d+ bytes, expected \\d+ \\(4 bytes x \\d+ values\\): the file is truncated`));
  });

  it('a truncated config.json (eval)', async () => {
    const { run, file } = damagedRun('config.json', half);
    const r = await unet('eval', run, '--data', 'builtin:ellipses:8');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not valid JSON (truncated?)`);
  });

  it('a truncated ir.json (export)', async () => {
    const { run, file } = damagedRun('ir.json', half);
    const r = await unet('export', run, '--onnx', join(run, 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not valid JSON (truncated?)`);
  });

  it('an ir.json that is JSON but not IR is checked against the schema (predict)', async () => {
    const { run, file } = damagedRun('ir.json', (path) => writeFileSync(path, '{"nodes": 1}\n'));
    const r = await unet('predict', run, 'image.png', '--out', join(run, 'masks'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not a run's IR: invalid IR`);
  });

  it('truncated model weights (export)', async () => {
    const weights = readdirSync(join(dir, 'run', 'model')).find((f) => f.endsWith('.bin'))!;
    const { run, file } = damagedRun(join('model', weights), half);
    const r = await unet('export', run, '--onnx', join(run, 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}: \\d+ bytes, expected \\d+ \\(4 bytes x \\d+ values\\): the file is truncated`));
  });
});

describe('unet import names a bad or missing .onnx file', { timeout: 120_000 }, () => {
  const importing = (onnx: string) => unet('import', 'tiny.unet', '--onnx', onnx, '--out', join(dir, `imported-${onnx}`));

  it('random bytes', async () => {
    writeFileSync(join(dir, 'random.onnx'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    const r = await importing('random.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('random.onnx: not a readable ONNX file (truncated, or not ONNX)');
  });

  it('a truncated export', async () => {
    cpSync(join(dir, 'tiny.onnx'), join(dir, 'cut.onnx'));
    half(join(dir, 'cut.onnx'));
    const r = await importing('cut.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cut.onnx: not a readable ONNX file (truncated, or not ONNX)');
  });

  it('a missing file', async () => {
    const r = await importing('nowhere.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nowhere.onnx: does not exist (expected an ONNX file)');
  });
});
