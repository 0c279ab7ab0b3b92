// openRunDir (src/app/train/run-dir.ts): a new run over an earlier one removes the
// earlier run's own files, and only those: a user's files in the folder stay, even when
// named like the checkpoint folders of earlier versions (best/, last/).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openRunDir } from '../../../src/app/train/run-dir.ts';
import { LOCK_FILE } from '../../../src/io/lock.ts';

it("replacing a run removes its files and keeps the user's", () => {
  const run = join(mkdtempSync(join(tmpdir(), 'unet-run-dir-')), 'run');
  openRunDir(run, 'train', { replace: false })();
  for (const sub of ['checkpoints/000001', 'model', 'best', 'last']) mkdirSync(join(run, sub), { recursive: true });
  for (const f of ['config.json', 'ir.json', 'last.json', 'best.json', 'checkpoints/000001/tensors.bin', 'model/model.json', 'notes.txt', 'best/mine.bin', 'last/mine.bin']) {
    writeFileSync(join(run, f), 'x');
  }
  const release = openRunDir(run, 'train', { replace: true });
  expect(existsSync(join(run, LOCK_FILE))).toBe(true);
  release();
  expect(readdirSync(run).sort()).toEqual(['.unet-run.json', 'best', 'last', 'notes.txt']);
  expect(readdirSync(join(run, 'best'))).toEqual(['mine.bin']);
});
