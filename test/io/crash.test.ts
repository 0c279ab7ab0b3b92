// Crash safety of checkpoints (src/io/checkpoints.ts, src/io/atomic.ts): a child process
// commits two checkpoints to a run and is killed with SIGKILL after step k of its atomic
// writes, for every k. After every kill the run's last and best checkpoints load (each is
// one of the checkpoints written, whole), and the next start's clean-up leaves no debris.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/backends/tfjs/train/checkpoint.ts';
import { initialState } from '../../src/backends/tfjs/train/loop.ts';
import { predictionCheckpoint } from '../../src/app/train/predictor.ts';
import { isTempName } from '../../src/io/atomic.ts';
import { checkpointDir, findCheckpoint, pruneCheckpoints } from '../../src/io/checkpoints.ts';
import { flatWeights, tinyConfig, tinyModel } from '../backends/tfjs/train/helpers.ts';

await tf.setBackend('cpu');

const root = mkdtempSync(join(tmpdir(), 'unet-crash-'));
const WRITER = join(import.meta.dirname, 'crash-writer.ts');
// tsx as a loader in the same process (its CLI would run the script in a grandchild).
const TSX = ['--import', 'tsx'];

/** A real checkpoint of a tiny model with the given seed, as a folder of its files; and its weights. */
async function version(seed: number): Promise<{ files: string; weights: Float32Array }> {
  const model = tinyModel(16, 1, 2, seed);
  const run = join(root, `source-${seed}`);
  mkdirSync(run);
  const files = await saveCheckpoint(run, model, initialState(model, tinyConfig()));
  return { files, weights: flatWeights(model) };
}

describe('a checkpoint commit killed at every step leaves a run that loads', () => {
  it('every k: last and best load whole, and the clean-up removes all debris', async () => {
    const versions = [await version(1), await version(2), await version(3)];
    const base = join(root, 'base');
    mkdirSync(base);
    execFileSync(process.execPath, [...TSX, WRITER, base, `${versions[0].files}:last,best`]);

    const model = tinyModel(16, 1, 2, 99);
    const loadsOneVersion = async (dir: string) => {
      await loadCheckpoint(dir, model);
      const weights = flatWeights(model);
      return versions.findIndex((v) => v.weights.every((w, i) => w === weights[i]));
    };
    // Each k in its own copy of the run; a few children at a time (they mostly start up).
    const crash = (k: number) =>
      new Promise<{ k: number; run: string; signal: NodeJS.Signals | null; code: number | null; stderr: string }>((resolve) => {
        const run = join(root, `run-${k}`);
        cpSync(base, run, { recursive: true });
        const child = spawn(process.execPath, [...TSX, WRITER, run, `${versions[1].files}:last`, `${versions[2].files}:last,best`], {
          env: { ...process.env, UNET_CRASH_AT_STEP: String(k) },
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code, signal) => resolve({ k, run, signal, code, stderr }));
      });
    let finished = false;
    let k = 1;
    for (; k <= 60 && !finished; k += 4) {
      for (const result of await Promise.all([k, k + 1, k + 2, k + 3].map(crash))) {
        const { run } = result;
        if (result.signal === null) {
          expect(result.code, result.stderr).toBe(0);
          finished = true;
        } else {
          expect(result.signal).toBe('SIGKILL');
        }
        for (const dir of [checkpointDir(run, 'last'), checkpointDir(run, 'best'), predictionCheckpoint(run)]) {
          expect(await loadsOneVersion(dir), `k=${result.k}: ${dir}`).toBeGreaterThanOrEqual(0);
        }
        // The next start (openRunDir) prunes: only the folders the pointers name remain.
        pruneCheckpoints(run);
        const named = new Set([findCheckpoint(run, 'last'), findCheckpoint(run, 'best')]);
        expect(readdirSync(join(run, 'checkpoints')).map((n) => join(run, 'checkpoints', n)).sort(), `k=${result.k}`).toEqual([...named].sort());
        expect(readdirSync(run).filter(isTempName), `k=${result.k}`).toEqual([]);
        if (result.signal === null) {
          expect([await loadsOneVersion(checkpointDir(run, 'last')), await loadsOneVersion(checkpointDir(run, 'best'))]).toEqual([2, 2]);
        }
      }
    }
    expect(finished, 'the writer never finished within 60 steps').toBe(true);
    // Every step of both commits was a crash point: folder files, renames, pointers, pruning.
    expect(k).toBeGreaterThan(10);
  }, 120_000);
});
