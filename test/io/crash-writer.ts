// The child process of crash.test.ts: commits the checkpoint folders given on the command
// line (each a folder of files) to a run, one after the other, with the pointers named
// after each (e.g. `v1:last v2:last,best`). UNET_CRASH_AT_STEP kills it part way.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitCheckpoint, type CheckpointName } from '../../src/io/checkpoints.ts';

const [run, ...commits] = process.argv.slice(2);
for (const commit of commits) {
  const [source, names] = commit.split(':');
  const files = new Map(readdirSync(source).map((name) => [name, readFileSync(join(source, name))]));
  commitCheckpoint(run, files, names.split(',') as CheckpointName[]);
}
