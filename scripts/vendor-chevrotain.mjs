// Part of `npm run build`: the compiled library (dist/) imports chevrotain's own single-file
// ESM bundle (lib/chevrotain.mjs, copied to dist/vendor/) instead of its package entry, which
// loads about 300 modules of chevrotain and lodash-es: half a second of every start
// (bench/RESULTS.md, "CLI start-up"). The CLI has chevrotain inlined in its own bundle
// (scripts/bundle-cli.mjs). The .d.ts files keep naming 'chevrotain'.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
// The package entry is lib/src/api.js; the bundle sits in lib/.
const bundle = join(dirname(fileURLToPath(import.meta.resolve('chevrotain'))), '..', 'chevrotain.mjs');
const vendored = join(DIST, 'vendor', 'chevrotain.mjs');
mkdirSync(dirname(vendored), { recursive: true });
copyFileSync(bundle, vendored);

function* scripts(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* scripts(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

let rewritten = 0;
for (const file of scripts(DIST)) {
  const text = readFileSync(file, 'utf8');
  let spec = relative(dirname(file), vendored).split('\\').join('/');
  if (!spec.startsWith('.')) spec = './' + spec;
  const next = text.replace(/(from\s*|import\s*\(\s*)(['"])chevrotain\2/g, (_, lead, quote) => `${lead}${quote}${spec}${quote}`);
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}
console.log(`dist/vendor/chevrotain.mjs: ${rewritten} modules point at chevrotain's single-file bundle`);
