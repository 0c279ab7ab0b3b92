// Part of `npm run build`: copies the files src/ reads at run time, which tsc does not emit,
// to the same place under dist/ (each is found through `new URL(..., import.meta.url)`):
// the committed SIMD kernels (.wasm), the PyTorch emitter's templates (.py) and the plain
// JavaScript entry of data-parallel training's worker threads (.js).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const ASSET = /\.(wasm|py|js)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (ASSET.test(entry.name)) yield path;
  }
}

let copied = 0;
for (const file of files(join(ROOT, 'src'))) {
  const target = join(ROOT, 'dist', relative(join(ROOT, 'src'), file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied++;
}
console.log(`copied ${copied} run-time assets to dist/`);
