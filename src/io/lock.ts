// The lock of a run folder: one writer at a time. `.unet-lock.json` holds the holder's pid,
// host and start time. It is created whole and atomically (a complete temp file linked to
// the lock name: link fails if the name exists, like O_EXCL, and a reader never sees a
// half-written lock), and removed when the holder exits. A lock whose process is gone
// (kill -9, power loss) is stale: the next writer takes it over and says so.
import { linkSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempPath, writeFileAtomic } from './atomic.ts';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  since: string;
  command: string;
}

export const LOCK_FILE = '.unet-lock.json';

/** True while a process with this pid exists on this host (EPERM: it exists, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/** Creates the lock file from a complete temp file; false when a lock is already there. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const temp = tempPath(path);
  writeFileAtomic(temp, JSON.stringify(holder, null, 2) + '\n');
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Locks dir (which must exist) for `command`; returns the function that releases it, which
 * also runs when the process exits. onStale is told about a dead holder's lock taken over.
 */
export function acquireLock(dir: string, command: string, onStale: (message: string) => void = () => {}): () => void {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  while (!tryCreate(path, me)) {
    const holder = readHolder(path);
    if (holder === null) {
      throw new Error(`${path}: unreadable lock of another unet process; if none is running on ${dir}, delete this file and start again`);
    }
    const who = `${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
    if (holder.host !== me.host || alive(holder.pid)) {
      const check = holder.host === me.host ? '' : `; it runs on another host, so if it is gone, delete ${path}`;
      throw new Error(`${dir}: in use by ${who}; wait for it to finish or give another --out${check}`);
    }
    onStale(`${dir}: taking over the lock of ${who}, which is no longer running`);
    rmSync(path, { force: true });
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return release;
}
