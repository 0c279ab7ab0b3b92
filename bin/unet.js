#!/usr/bin/env node
// The `unet` command: the compiled CLI, bundled into dist/bin/ (`npm run build`, run by
// `npm ci` through `prepare`; scripts/bundle-cli.mjs). The tests run the sources instead
// (test/helpers/unet-sources.js).
try {
  await import('../dist/bin/unet.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin/unet.js')) {
    process.stderr.write('unet: dist/ is missing; run `npm run build` in the unet-dsl checkout (npm ci runs it too)\n');
    process.exit(1);
  }
  throw error;
}
