// `FILE.unet#Name` picks one `unet` block of a file that defines several; without it the
// last block is compiled. Checked through compileFile and the real CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSpecName } from '../../src/language/compile.ts';
import { compileFile } from '../../src/node/compile-file.ts';
import { runUnet } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-spec-name-'));
const file = join(dir, 'two.unet');
writeFileSync(
  file,
  `unet Small {
  input   1
  output  2 classes softmax
  depth   2
  filters 8 doubling
}

unet Big extends Small {
  filters 32 doubling
}
`,
);

describe('FILE.unet#Name', () => {
  it('splits only a .unet path followed by a name', () => {
    expect(splitSpecName('a/b.unet#Small')).toEqual({ path: 'a/b.unet', name: 'Small' });
    expect(splitSpecName('a/b.unet')).toEqual({ path: 'a/b.unet' });
    expect(splitSpecName('runs/x#1')).toEqual({ path: 'runs/x#1' });
  });

  it('compiles the named block, and the last one by default', () => {
    expect(compileFile(`${file}#Small`).model?.name).toBe('Small');
    expect(compileFile(`${file}#Big`).model?.name).toBe('Big');
    expect(compileFile(file).model?.name).toBe('Big');
  });

  it('names the blocks the file has when the name is wrong (CLI, exit 1)', async () => {
    const r = await runUnet(['check', `${file}#Huge`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no spec named `Huge` in this file (it has `Small`, `Big`)');
    const ok = await runUnet(['check', `${file}#Small`, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'Small' });
  });
});
