// The run lock (src/io/lock.ts): one holder at a time, the second refused with the first's
// pid and start time, a dead holder's lock taken over with a message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE } from '../../src/io/lock.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'unet-lock-'));

describe('acquireLock', () => {
  it('writes pid, host and start; refuses a second holder naming the first; release removes it', () => {
    const dir = fresh();
    const release = acquireLock(dir, 'unet train');
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'unet train' });
    expect(() => acquireLock(dir, 'unet train')).toThrow(new RegExp(`in use by unet train \\(pid ${process.pid} on .*, since ${holder.since}\\)`));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireLock(dir, 'unet train')();
  });

  it("takes over the lock of a process that is gone, and says so", () => {
    const dir = fresh();
    // The pid of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(gone), host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'unet train' }));
    const messages: string[] = [];
    const release = acquireLock(dir, 'unet train', (m) => messages.push(m));
    expect(messages).toEqual([`${dir}: taking over the lock of unet train (pid ${gone} on ${hostname()}, since 2026-01-01T00:00:00.000Z), which is no longer running`]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it("refuses another host's lock (its process cannot be checked) and says how to clear it", () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', since: 'then', command: 'unet train' }));
    expect(() => acquireLock(dir, 'unet train')).toThrow(/runs on another host, so if it is gone, delete .*\.unet-lock\.json/);
  });
});
