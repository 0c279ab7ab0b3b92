// The one spec reader: only regular UTF-8 files up to 1 MiB are read, never more than that
// from any path (a device, a FIFO, a huge file), and a file a spec names that is not a
// spec gets one message without its contents.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileFile } from '../../src/node/compile-file.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import { MAX_SPEC_BYTES, readSpecFile } from '../../src/node/read-spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-read-spec-'));
const SPEC = 'unet A {\n  input 1 x 64 x 64\n  output 2 classes\n  depth 2\n  filters 4\n}\n';

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('readSpecFile', () => {
  test('reads a regular UTF-8 file and drops a leading byte-order mark', () => {
    writeFileSync(join(dir, 'bom.unet'), '\uFEFF' + SPEC);
    expect(readSpecFile(join(dir, 'bom.unet'))).toEqual({ text: SPEC });
  });

  test('refuses a device without reading it', () => {
    expect(readSpecFile('/dev/zero')).toEqual({ error: 'is a device, not a spec file' });
  });

  test('refuses a directory and a missing file', () => {
    expect(readSpecFile(dir)).toEqual({ error: 'is a directory, not a spec file' });
    expect(readSpecFile(join(dir, 'nowhere.unet'))).toEqual({ error: 'does not exist' });
  });

  test('refuses a file over the cap without reading it (a sparse 10 GB file)', () => {
    const path = join(dir, 'huge.unet');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 10 * 1024 ** 3);
    closeSync(fd);
    expect(readSpecFile(path)).toEqual({ error: 'is larger than 1 MiB, the most a spec file may have' });
    writeFileSync(path, 'a'.repeat(MAX_SPEC_BYTES + 1));
    expect(readSpecFile(path)).toEqual({ error: 'is larger than 1 MiB, the most a spec file may have' });
  });

  test('refuses bytes that are not UTF-8', () => {
    writeFileSync(join(dir, 'binary.unet'), Buffer.from([0x75, 0x6e, 0xff, 0xfe, 0x00]));
    expect(readSpecFile(join(dir, 'binary.unet'))).toEqual({ error: 'is not UTF-8 text' });
  });

  test.skipIf(!hasMkfifo())('refuses a FIFO without waiting for a writer (needs mkfifo, coreutils)', () => {
    const path = join(dir, 'pipe.unet');
    execFileSync('mkfifo', [path]);
    expect(readSpecFile(path)).toEqual({ error: 'is a pipe (FIFO), not a spec file' });
  });
});

function compileText(name: string, text: string) {
  writeFileSync(join(dir, name), text);
  const result = compileFile(join(dir, name));
  return { ...result, printed: formatDiagnostics(result.diagnostics, result.sources) };
}

describe('files a spec names', () => {
  test('`extends ... from "/dev/zero"` is a located error naming the file', () => {
    const { model, diagnostics } = compileText('zero.unet', 'unet B extends A from "/dev/zero" { depth 2 }\n');
    expect(model).toBeNull();
    expect(diagnostics).toMatchObject([{ code: 'missing-file', message: 'cannot read `/dev/zero`: it is a device, not a spec file', line: 1, column: 16 }]);
  });

  test('the spec argument itself goes through the same reader', () => {
    expect(compileFile('/dev/zero').diagnostics[0]!.message).toBe('cannot read `/dev/zero`: it is a device, not a spec file');
  });

  test('a file without the .unet extension is not read as a spec, and none of its lines is printed', () => {
    writeFileSync(join(dir, 'secret.env'), 'API_KEY=hunter2\nunet A {\n');
    const { model, printed } = compileText('secret.unet', 'unet B extends A from "secret.env" { depth 2 }\n');
    expect(model).toBeNull();
    expect(printed).toContain(`not a .unet spec: \`${join(dir, 'secret.env')}\` does not end in \`.unet\``);
    expect(printed).not.toContain('hunter2');
    const imported = compileText('import-secret.unet', `import "secret.env"\n${SPEC}`);
    expect(imported.printed).toContain('not a .unet spec');
    expect(imported.printed).not.toContain('hunter2');
  });

  test('a .unet file that is no spec at all (a copy of /etc/passwd) gets one message', () => {
    writeFileSync(join(dir, 'passwd.unet'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    const { diagnostics, printed } = compileText('passwd-user.unet', 'unet B extends A from "passwd.unet" { depth 2 }\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['not-a-spec']);
    expect(printed).not.toContain('root');
  });

  test('errors inside an imported file that is a real spec still show its code frame', () => {
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'base.unet'), SPEC.replace('depth 2', 'depth zero'));
    const { printed } = compileText('uses-base.unet', 'unet B extends A from "lib/base.unet" { depth 2 }\n');
    expect(printed).toContain('4 |   depth zero');
  });
});

describe('the CLI', () => {
  const unet = (...args: string[]) => spawnSync(process.execPath, ['bin/unet.js', ...args], { encoding: 'utf8', timeout: 30_000 });

  test('`unet check /dev/zero` and `unet fmt /dev/zero` refuse it by name and exit 1', () => {
    const check = unet('check', '/dev/zero');
    expect([check.status, check.stderr.trim()]).toEqual([1, '/dev/zero:1:1: error: cannot read `/dev/zero`: it is a device, not a spec file']);
    const fmt = unet('fmt', '/dev/zero');
    expect(fmt.status).toBe(1);
    expect(fmt.stderr).toContain('cannot read /dev/zero: it is a device, not a spec file');
  });
});
