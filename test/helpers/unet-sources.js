#!/usr/bin/env node
// `unet` run from the TypeScript sources through tsx, for the tests: they check the code as
// it is now, without a build. Users run bin/unet.js, the compiled package (dist/).
import { register } from 'tsx/esm/api';

register();
await import('../../src/cli/main.ts');
