// `unet emit torch --out` under the output-directory policy (src/io/out-dir.ts): it writes
// into a new or empty folder or an earlier package, where it replaces only its own files;
// a user's folder, a run, a plain file or `--out .` are refused with exit 1, untouched.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const UNET = resolve('bin/unet.js');
const SPEC = resolve('specs/ellipses.unet');
const root = mkdtempSync(join(tmpdir(), 'unet-emit-out-'));
const emit = (out: string, cwd = root, spec = SPEC) => spawnSync(process.execPath, [UNET, 'emit', 'torch', spec, '--out', out], { cwd, encoding: 'utf8' });

/** Every file under dir with its content, to show that nothing changed. */
const snapshot = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => [f, readFileSync(join(dir, f), { encoding: 'utf8', flag: 'r' }).length]);

test.each([
  ["a user's sources", ['main.py', 'notes.md'], /is not empty and was not written by `unet emit torch` \(no \.unet-emit\.json\); nothing was changed/],
  ['a training run', ['config.json', 'ir.json', '.unet-run.json'], /holds the output of `unet train` or `unet import`/],
  ['a package of an earlier unet version', ['model.py', 'ir.json', 'train.py'], /earlier unet version/],
])('refuses %s with exit 1, nothing touched', (_, files, message) => {
  const dir = join(root, files[0].replace('.', '-'));
  mkdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f), `mine: ${f}`);
  const before = snapshot(dir);
  const r = emit(dir);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(snapshot(dir)).toEqual(before);
});

test('refuses a plain file and `--out .` holding the spec', () => {
  const file = join(root, 'file.txt');
  writeFileSync(file, 'mine');
  const r = emit(file);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/file\.txt: is a file, not a folder/);
  expect(readFileSync(file, 'utf8')).toBe('mine');

  const here = join(root, 'here');
  mkdirSync(here);
  copyFileSync(SPEC, join(here, 'ellipses.unet'));
  const dot = emit('.', here, 'ellipses.unet');
  expect(dot.status).toBe(1);
  expect(dot.stderr).toMatch(/--out \.: is not empty/);
  expect(readdirSync(here)).toEqual(['ellipses.unet']);
});

test('an earlier package is updated: its files replaced, the files a user added kept', () => {
  const out = join(root, 'pkg');
  expect(emit(out).status).toBe(0);
  writeFileSync(join(out, 'my_experiment.py'), 'mine');
  writeFileSync(join(out, 'model.py'), 'stale');
  const again = emit(out);
  expect(again.status, again.stderr).toBe(0);
  expect(readFileSync(join(out, 'my_experiment.py'), 'utf8')).toBe('mine');
  expect(readFileSync(join(out, 'model.py'), 'utf8')).toMatch(/^# /);
  expect(readdirSync(out)).toContain('.unet-emit.json');
});
