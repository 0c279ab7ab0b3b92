// Entry of a sample-preparation worker thread (prep-pool.ts). Plain JavaScript, because a
// worker does not inherit the main thread's loader hooks: in the compiled package (dist/)
// prep-worker.js sits beside this file; run from the sources (tests, npm start) it
// registers tsx in this thread first, as the data-parallel replicas' worker.js does.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./prep-worker.js', import.meta.url))) {
  await import('./prep-worker.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./prep-worker.ts');
}
