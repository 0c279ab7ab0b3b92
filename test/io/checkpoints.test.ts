// Checkpoint folders and pointers (src/io/checkpoints.ts) as readers meet them: numbered
// folders pruned once no pointer names them, runs of earlier versions (last/, best/
// folders) still found, and a damaged pointer named in the error.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkpointDir, commitCheckpoint, findCheckpoint } from '../../src/io/checkpoints.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'unet-checkpoints-'));
const files = (text: string) => new Map([['checkpoint.json', text]]);

it('numbers folders, moves the pointers and keeps only the folders they name', () => {
  const run = fresh();
  commitCheckpoint(run, files('1'), ['last', 'best']);
  commitCheckpoint(run, files('2'), ['last']);
  commitCheckpoint(run, files('3'), ['last']);
  expect(readdirSync(join(run, 'checkpoints'))).toEqual(['000001', '000003']);
  expect(checkpointDir(run, 'best')).toBe(join(run, 'checkpoints', '000001'));
  expect(checkpointDir(run, 'last')).toBe(join(run, 'checkpoints', '000003'));
});

it('finds the last/ and best/ folders of runs written before pointers', () => {
  const run = fresh();
  mkdirSync(join(run, 'best'));
  expect(findCheckpoint(run, 'best')).toBe(join(run, 'best'));
  expect(findCheckpoint(run, 'last')).toBeNull();
  expect(() => checkpointDir(run, 'last')).toThrow(`${run}: no checkpoint yet (last.json is missing)`);
});

it('names a damaged pointer file', () => {
  const run = fresh();
  writeFileSync(join(run, 'last.json'), '{"checkpoint": "../../etc"}');
  expect(() => findCheckpoint(run, 'last')).toThrow(`${join(run, 'last.json')}: expected {"checkpoint": "checkpoints/NNNNNN"}`);
  writeFileSync(join(run, 'last.json'), '{"check');
  expect(() => findCheckpoint(run, 'last')).toThrow(new RegExp(`last\\.json: not a checkpoint pointer`));
});
