// Where a run keeps its checkpoints, so that a kill at any instant leaves one that loads:
//
//   checkpoints/000007/   one folder per checkpoint, written whole under a temp name and
//                         renamed into place (src/io/atomic.ts); never changed afterwards
//   last.json, best.json  pointers {"checkpoint": "checkpoints/000007"}, each replaced
//                         atomically once the folder it names is complete
//
// A crash leaves at most a temp folder or a folder no pointer names yet; both are removed
// by pruneCheckpoints (after every commit, and when a run starts). Runs of earlier versions
// kept their checkpoints in the folders last/ and best/: readers still accept those.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crashPoint, isTempName, writeDirAtomic, writeFileAtomic } from './atomic.ts';

export type CheckpointName = 'last' | 'best';

const FOLDER = 'checkpoints';
const NUMBERED = /^\d{6,}$/;

/** The pointer file of a checkpoint name (run/last.json). */
export const pointerPath = (run: string, name: CheckpointName) => join(run, `${name}.json`);

/** Every path a run's checkpoints occupy (for clearing a run that is replaced). */
export const checkpointPaths = (run: string) => [join(run, FOLDER), pointerPath(run, 'last'), pointerPath(run, 'best')];

/** The checkpoint folder a pointer names (or an earlier version's run/last/), or null when there is none. */
export function findCheckpoint(run: string, name: CheckpointName): string | null {
  const pointer = pointerPath(run, name);
  if (existsSync(pointer)) {
    let target: unknown;
    try {
      target = (JSON.parse(readFileSync(pointer, 'utf8')) as { checkpoint?: unknown }).checkpoint;
    } catch (error) {
      throw new Error(`${pointer}: not a checkpoint pointer (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof target !== 'string' || !/^checkpoints\/\d+$/.test(target)) {
      throw new Error(`${pointer}: expected {"checkpoint": "checkpoints/NNNNNN"}`);
    }
    return join(run, target);
  }
  const legacy = join(run, name);
  return existsSync(legacy) ? legacy : null;
}

/** Like findCheckpoint, but a missing checkpoint is an error that names the run. */
export function checkpointDir(run: string, name: CheckpointName): string {
  const dir = findCheckpoint(run, name);
  if (dir === null) throw new Error(`${run}: no checkpoint yet (${name}.json is missing)`);
  return dir;
}

/**
 * Writes files as a new checkpoint folder and moves the pointers `names` to it: folder
 * first, pointers after, old folders pruned last, so every instant has a complete checkpoint.
 */
export function commitCheckpoint(run: string, files: ReadonlyMap<string, string | Uint8Array>, names: CheckpointName[]): string {
  const folder = join(run, FOLDER);
  mkdirSync(folder, { recursive: true });
  const numbers = readdirSync(folder).filter((n) => NUMBERED.test(n)).map(Number);
  const relative = `${FOLDER}/${String(Math.max(0, ...numbers) + 1).padStart(6, '0')}`;
  writeDirAtomic(join(run, relative), files);
  for (const name of names) writeFileAtomic(pointerPath(run, name), JSON.stringify({ checkpoint: relative }) + '\n');
  pruneCheckpoints(run);
  return join(run, relative);
}

/** Removes what a crash can leave: temp files and folders, and checkpoint folders no pointer names. */
export function pruneCheckpoints(run: string): void {
  const folder = join(run, FOLDER);
  const kept = new Set((['last', 'best'] as const).map((name) => findCheckpoint(run, name)));
  if (existsSync(folder)) {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if ((NUMBERED.test(name) && !kept.has(path)) || isTempName(name)) {
        rmSync(path, { recursive: true, force: true });
        crashPoint();
      }
    }
  }
  for (const name of readdirSync(run)) {
    if (isTempName(name)) rmSync(join(run, name), { recursive: true, force: true });
  }
}
