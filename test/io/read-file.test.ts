// The shared reader of run files: each failure names the file and what is wrong with it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectThat, readBinaryFile, readJsonFile, sizeOf } from '../../src/io/read-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-read-file-'));
const file = (name: string, data: string | Buffer) => {
  writeFileSync(join(dir, name), data);
  return join(dir, name);
};

describe('readBinaryFile', () => {
  it('a missing file and a folder are named with what was expected', async () => {
    await expect(readBinaryFile(join(dir, 'none.bin'), 'the weights')).rejects.toThrow(`${join(dir, 'none.bin')}: does not exist (expected the weights)`);
    await expect(readBinaryFile(dir, 'the weights')).rejects.toThrow(`${dir}: is a folder (expected the weights)`);
  });

  it('a file of another length than its description says is refused', async () => {
    const path = file('w.bin', Buffer.alloc(10));
    await expect(readBinaryFile(path, 'the weights', sizeOf(3))).rejects.toThrow(`${path}: 10 bytes, expected 12 (4 bytes x 3 values): the file is truncated`);
    await expect(readBinaryFile(path, 'the weights', sizeOf(2))).rejects.toThrow(`${path}: 10 bytes, expected 8 (4 bytes x 2 values): the file is longer than its description says`);
    expect((await readBinaryFile(path, 'the weights', { bytes: 10, detail: '' })).length).toBe(10);
  });
});

describe('readJsonFile', () => {
  const positive = (v: unknown) => {
    expectThat(typeof v === 'number' && v > 0, 'expected a positive number');
    return v as number;
  };

  it('truncated JSON, and JSON that fails the validator, name the file', async () => {
    const cut = file('cut.json', '{"a": [1, 2');
    await expect(readJsonFile(cut, 'a config')).rejects.toThrow(new RegExp(`^${cut}: not valid JSON \\(truncated\\?\\): `));
    const wrong = file('wrong.json', '-1');
    await expect(readJsonFile(wrong, 'a count', positive)).rejects.toThrow(`${wrong}: not a count: expected a positive number`);
    expect(await readJsonFile(file('ok.json', '3'), 'a count', positive)).toBe(3);
  });
});
