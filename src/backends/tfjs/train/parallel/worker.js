// Entry of a data-parallel training worker thread (data-parallel.ts). Plain JavaScript,
// because a worker does not inherit the main thread's loader hooks: in the compiled
// package (dist/) replica.js sits beside this file; run from the sources (tests, npm start)
// it registers tsx in this thread, as test/helpers/unet-sources.js does, then runs replica.ts.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./replica.js', import.meta.url))) {
  await import('./replica.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./replica.ts');
}
