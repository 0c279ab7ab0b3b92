// The output-directory policy (src/io/out-dir.ts): new, empty or own folders are written;
// anything else is refused with a message and left untouched.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimOutDir, outDirRefusal } from '../../src/io/out-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'unet-outdir-'));
let n = 0;
/** A fresh folder holding the given files. */
function folder(...files: string[]): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f), 'user data');
  return dir;
}

describe('outDirRefusal', () => {
  it('accepts a new folder, an empty one and one the same kind of command wrote', () => {
    expect(outDirRefusal(join(root, 'new', 'deep'), 'run')).toBeNull();
    expect(outDirRefusal(folder(), 'run')).toBeNull();
    const own = folder();
    claimOutDir(own, 'torch-package', 'emit torch', ['model.py']);
    expect(outDirRefusal(own, 'torch-package')).toBeNull();
  });

  it.each([
    ['a plain file', () => join(folder('f.txt'), 'f.txt'), 'run', /is a file, not a folder/],
    ["a user's folder", () => folder('notes.md'), 'torch-package', /is not empty and was not written by `unet emit torch` \(no \.unet-emit\.json\)/],
    ['a folder with config.json and no marker', () => folder('config.json'), 'run', /not written by `unet train` or `unet import`/],
    ['a run of an earlier version', () => folder('config.json', 'ir.json'), 'run', /earlier unet version .*no \.unet-run\.json marker.*`train --init` still read the old run/],
    ['a package of an earlier version', () => folder('model.py', 'ir.json'), 'torch-package', /earlier unet version/],
  ] as const)('refuses %s', (_, make, kind, message) => {
    const dir = make();
    expect(outDirRefusal(dir, kind)).toMatch(message);
    expect(outDirRefusal(dir, kind)).toMatch(/nothing was changed/);
  });

  it('refuses the output of another command', () => {
    const run = folder();
    claimOutDir(run, 'run', 'train', ['config.json']);
    expect(outDirRefusal(run, 'torch-package')).toMatch(/holds the output of `unet train` or `unet import` \(\.unet-run\.json\)/);
  });
});

describe('claimOutDir', () => {
  it("removes files of the earlier claim that the new one lacks, and never the user's", () => {
    const dir = folder();
    claimOutDir(dir, 'torch-package', 'emit torch', ['model.py', 'weights.bin']);
    for (const f of ['model.py', 'weights.bin', 'mine.txt']) writeFileSync(join(dir, f), 'x');
    claimOutDir(dir, 'torch-package', 'emit torch', ['model.py']);
    expect(readdirSync(dir).sort()).toEqual(['.unet-emit.json', 'mine.txt', 'model.py']);
  });

  it("a hand-edited marker cannot make it remove the folder itself or anything outside", () => {
    const dir = folder();
    writeFileSync(join(dir, '.unet-emit.json'), JSON.stringify({ kind: 'torch-package', version: 1, command: 'emit torch', files: ['.', '..', '../x', 'mine.txt'] }));
    writeFileSync(join(dir, 'mine.txt'), 'x');
    claimOutDir(dir, 'torch-package', 'emit torch', ['model.py']);
    expect(existsSync(root)).toBe(true);
    expect(readdirSync(dir)).toEqual(['.unet-emit.json']);
  });

  it('refuses and writes nothing', () => {
    const dir = folder('mine.txt');
    expect(() => claimOutDir(dir, 'run', 'train', ['config.json'])).toThrow(/not written by/);
    expect(readdirSync(dir)).toEqual(['mine.txt']);
    expect(existsSync(join(dir, '.unet-run.json'))).toBe(false);
  });
});
