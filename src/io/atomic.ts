// Durable, atomic writes: a crash (kill -9, power loss) at any instant leaves either the
// old content or the new one, never half of it. The data is written to a temp name,
// fsynced, renamed into place (rename is atomic on POSIX file systems), and the folder is
// fsynced so the rename itself survives a power loss. Every file a run or a package is
// made of is written through here.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let tempCount = 0;
let crashSteps = 0;

/**
 * Test hook (test/io/crash.test.ts): with UNET_CRASH_AT_STEP=k the process kills itself
 * with SIGKILL, like a power cut, at the k-th step of its atomic writes, so a test can stop
 * a writer at every point between a write, an fsync and a rename.
 */
export function crashPoint(): void {
  const at = process.env.UNET_CRASH_AT_STEP;
  if (at === undefined) return;
  crashSteps += 1;
  if (crashSteps === Number(at)) process.kill(process.pid, 'SIGKILL');
}

/** A temp name beside path, unique in this process: `.NAME.tmp-PID-N` (isTempName recognises it). */
export function tempPath(path: string): string {
  tempCount += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${tempCount}`);
}

/** True for the temp names of tempPath: what a crash can leave behind, safe to remove. */
export function isTempName(name: string): boolean {
  return /^\..+\.tmp-\d+-\d+$/.test(name);
}

/** fsync of a file or a folder (a folder's entries: creations and renames). */
export function fsyncPath(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    // Windows cannot open a folder for fsync; its renames are durable without it.
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes data to a new file at path and fsyncs it (not atomic by itself: see writeFileAtomic). */
function writeDurably(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces (or creates) the file at path with data: temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = tempPath(path);
  try {
    writeDurably(temp, data);
    crashPoint();
    renameSync(temp, path);
  } catch (error) {
    // A failed write (disk full, a folder at path) leaves nothing behind.
    rmSync(temp, { force: true });
    throw error;
  }
  crashPoint();
  fsyncPath(dirname(path));
}

/**
 * Creates the folder dir (which must not exist) holding files: filled under a temp name,
 * every file fsynced, then renamed to dir in one step. Readers see all of it or none.
 */
export function writeDirAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  const temp = tempPath(dir);
  mkdirSync(temp);
  for (const [name, data] of files) {
    writeDurably(join(temp, name), data);
    crashPoint();
  }
  fsyncPath(temp);
  renameSync(temp, dir);
  crashPoint();
  fsyncPath(dirname(dir));
}
