// The one reader of spec text: the CLI's spec argument, `unet fmt`, and every file an
// `import` or `extends ... from` names go through it. A spec can name any path, so the
// reader must not let a path make it read without bound: it opens the file once, checks
// the open file (not the path, which could be swapped in between) is a regular file of at
// most MAX_SPEC_BYTES, and never reads more than that plus one byte.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** 1 MiB: the largest spec in specs/ is about 1 KiB; a file this big is not a spec. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export type { ReadResult } from '../language/spec/resolve.ts';
import type { ReadResult } from '../language/spec/resolve.ts';

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable (permission denied)';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `gives an error (${(e as Error).message})`;
}

const tooLarge = `is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MiB, the most a spec file may have`;

export function readSpecFile(path: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { error: reason(e) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { error: `is ${kind(stats)}, not a spec file` };
    if (stats.size > MAX_SPEC_BYTES) return { error: tooLarge };
    // The size can change after fstat (a growing file): read at most one byte past the cap.
    const buffer = new Uint8Array(MAX_SPEC_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_SPEC_BYTES) return { error: tooLarge };
    return decode(buffer.subarray(0, length));
  } catch (e) {
    return { error: reason(e) };
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 only (a leading byte-order mark is dropped, as editors do); anything else is not a spec. */
function decode(bytes: Uint8Array): ReadResult {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'is not UTF-8 text' };
  }
}
