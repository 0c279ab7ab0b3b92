// Entry of a data-parallel training worker thread (data-parallel.ts). Plain JavaScript,
// because Node 20 cannot load .ts by itself and a worker does not inherit the main
// thread's tsx hooks: it registers tsx in this thread, as bin/unet.js does, then runs the
// replica.
import { register } from 'tsx/esm/api';

register();
await import('./replica.ts');
