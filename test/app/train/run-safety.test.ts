// `unet train --out` as a careless user meets it: a folder that is not a run is refused
// untouched, a second training on the same run is refused while the first holds its lock,
// SIGTERM stops like Ctrl-C, and a run killed with SIGKILL resumes (stale lock taken over).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointDir } from '../../../src/io/checkpoints.ts';
import { LOCK_FILE } from '../../../src/io/lock.ts';
import { claimOutDir } from '../../../src/io/out-dir.ts';
import { REPO, runUnet, trainInBackground } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-run-safety-'));
const spec = join(dir, 'tiny.unet');
writeFileSync(
  spec,
  'unet Tiny {\n  input 1 x 16 x 16\n  output 2 classes softmax\n  depth 1\n  filters 4 doubling\n  padding same\n  norm batch\n' +
    '  train {\n    loss ce_dice\n    optimizer adam lr 0.01\n    batch 16\n    epochs 1\n    seed 3\n  }\n}\n',
);
const trainArgs = (out: string, ...args: string[]) => ['train', spec, '--data', 'builtin:ellipses:32', '--engine', 'wasm', '--out', out, ...args];

describe('unet train --out: the output-directory policy', { timeout: 60_000 }, () => {
  it("refuses a user's folder with config.json, best/, last/ and model/, and touches nothing", async () => {
    const mine = join(dir, 'mine');
    for (const sub of ['best', 'last', 'model']) mkdirSync(join(mine, sub), { recursive: true });
    writeFileSync(join(mine, 'config.json'), '{"mine": true}');
    writeFileSync(join(mine, 'best', 'notes.txt'), 'precious');
    const r = await runUnet(trainArgs(mine));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out .*mine: is not empty and was not written by `unet train` or `unet import` \(no \.unet-run\.json\); nothing was changed/);
    expect(readdirSync(mine).sort()).toEqual(['best', 'config.json', 'last', 'model']);
    expect(readFileSync(join(mine, 'best', 'notes.txt'), 'utf8')).toBe('precious');
  });

  it('refuses a run whose lock is held by a live process, naming it', async () => {
    const run = join(dir, 'locked');
    claimOutDir(run, 'run', 'train', ['config.json']);
    const since = new Date().toISOString();
    writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since, command: 'unet train' }));
    const r = await runUnet(trainArgs(run));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`in use by unet train (pid ${process.pid} on ${hostname()}, since ${since})`);
    expect(existsSync(join(run, 'config.json'))).toBe(false);
  });
});

describe('unet train: signals and kills', { timeout: 120_000 }, () => {
  it('SIGTERM finishes the step, writes the last checkpoint, releases the lock and exits 143', async () => {
    const run = join(dir, 'terminated');
    const r = await trainInBackground(trainArgs(run, '--epochs', '500'), (child) => child.kill('SIGTERM'));
    expect(r.code).toBe(143);
    expect(r.stdout).toContain('continue with --resume');
    const state = JSON.parse(readFileSync(join(checkpointDir(run, 'last'), 'checkpoint.json'), 'utf8')).state;
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(run, LOCK_FILE))).toBe(false);
  });

  it('with batches prepared ahead by worker threads, SIGTERM still exits 143 at once: the threads end with the run', async () => {
    const run = join(dir, 'terminated-prefetch');
    const started = performance.now();
    const r = await trainInBackground(trainArgs(run, '--epochs', '500', '--augment', 'flip; rotate 10'), (child) => child.kill('SIGTERM'), { UNET_PREFETCH: '1' });
    expect(r.stdout).toMatch(/batches prepared ahead by \d worker threads?:/);
    expect(r.code).toBe(143);
    // Far from the 500 epochs: nothing (a worker thread, a batch asked for ahead) kept it alive.
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(existsSync(join(run, LOCK_FILE))).toBe(false);
  });

  it('with batches prepared ahead, a --time budget ends the run with exit 0: batches asked for ahead keep nothing alive', async () => {
    const run = join(dir, 'budget-prefetch');
    const r = await runUnet(trainArgs(run, '--time', '2s', '--augment', 'flip'), REPO, { UNET_PREFETCH: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('time budget reached');
    expect(r.stdout).toMatch(/time: waiting for batches \(prepared ahead\)/);
  });

  it('a run killed with SIGKILL mid-training resumes, taking over its stale lock', async () => {
    const run = join(dir, 'killed');
    // Some time into epoch 2, wherever the writer happens to be.
    const r = await trainInBackground(trainArgs(run, '--epochs', '500'), (child) => setTimeout(() => child.kill('SIGKILL'), 150));
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(join(run, LOCK_FILE))).toBe(true);
    const resumed = await runUnet(trainArgs(run, '--resume', '--epochs', '3'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/taking over the lock of unet train \(pid \d+ .*\), which is no longer running/);
    expect(resumed.stdout).toMatch(/resuming after epoch [12]/);
    expect(existsSync(join(run, LOCK_FILE))).toBe(false);
  });
});
