// --augment: augmentation statements on the command line, read by the spec language's own
// keyword table, merged over the spec's train section by `unet train` and `augment-preview`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readAugmentFlag } from '../../src/language/spec/augment-flag.ts';
import { runUnet } from '../helpers/cli.ts';

const unet = (...args: string[]) => runUnet(args);

describe('readAugmentFlag', () => {
  test('reads exactly what an augment block would', () => {
    expect(readAugmentFlag('elastic grid 3 sigma 10; flip; rotate 15')).toEqual({ elastic: { grid: 3, sigma: 10 }, flip: true, rotate: 15 });
    expect(readAugmentFlag('elastic off; flip off')).toEqual({ elastic: null, flip: false });
  });

  test('reports every problem with its column in the flag text, and a hint', () => {
    expect(() => readAugmentFlag('elastik; flip maybe')).toThrowError(
      [
        '--augment "elastik; flip maybe":',
        '--augment:2:1: error: unknown keyword `elastik` in `augment`',
        '  2 | elastik; flip maybe',
        '    | ^^^^^^^',
        '  hint: did you mean `elastic`?',
        '--augment:2:15: error: `flip` expects on or off (`on`, `off`, `true`, `false`), found `maybe`',
        '  2 | elastik; flip maybe',
        '    |               ^^^^^',
        '  hint: syntax: flip [on|off]',
      ].join('\n'),
    );
  });
});

describe('unet augment-preview --augment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-augment-flag-'));
  const preview = async (name: string, ...extra: string[]) => {
    const r = await unet('augment-preview', 'specs/ellipses.unet', '--data', 'builtin:ellipses:8', '--count', '2', '--out', join(dir, name), ...extra);
    expect(r.code ?? 0, r.stderr).toBe(0);
    return readFileSync(join(dir, name));
  };

  test('changes what training sees; switching off what the spec leaves off changes nothing', async () => {
    const plain = await preview('plain.png');
    expect((await preview('off.png', '--augment', 'flip off; elastic off')).equals(plain)).toBe(true);
    expect((await preview('on.png', '--augment', 'elastic grid 3 sigma 10; rotate90')).equals(plain)).toBe(false);
  }, 60_000);

  test('a bad statement exits 1 with its diagnostic', async () => {
    const r = await unet('augment-preview', 'specs/ellipses.unet', '--data', 'builtin:ellipses:8', '--out', join(dir, 'x.png'), '--augment', 'shift 2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--augment:2:7: error: the shift must be at most 0\.5, found 2/);
  });
});

test('unet train --augment records the merged augmentation in the run (so --resume repeats it)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'unet-augment-train-'));
  const r = await unet('train', 'specs/ellipses.unet', '--data', 'builtin:ellipses:10', '--epochs', '1', '--engine', 'wasm', '--out', join(out, 'run'), '--augment', 'flip; rotate 10');
  expect(r.code ?? 0, r.stderr).toBe(0);
  const config = JSON.parse(readFileSync(join(out, 'run', 'config.json'), 'utf8')) as { train: { augment: Record<string, unknown> } };
  expect(config.train.augment).toMatchObject({ flip: true, rotate: 10, rotate90: false, elastic: null });
}, 60_000);
