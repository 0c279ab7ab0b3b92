// Part of `npm run build`, after tsc and the other steps: bundles the `unet` CLI with esbuild
// into dist/bin/ (bin/unet.js runs dist/bin/unet.js). Node spends most of a `unet check` on
// loading modules, one file at a time (bench/RESULTS.md, "CLI start-up"): bundled, the entry
// is one file and each command one more (the lazy `import()`s of src/cli/commands.ts become
// chunks; code two commands share, a shared chunk), so `unet check` loads two or three files.
//
// - Inlined: the project's sources, commander and chevrotain (pure JavaScript that every
//   command needs). Every other dependency stays an import of the package as installed:
//   tfjs, onnxruntime, sharp and webgpu carry native or .wasm files found beside their own
//   modules, and they load only in the commands that use them.
// - The IR validator is the one the build precompiled (ajv's standalone code), not src's, which
//   compiles schema.json with ajv at run time; and it is require()d on first use from
//   dist/language/ir/schema-validator.cjs, as only IR JSON input and run directories need it.
// - `import.meta.url` of a bundled source means its file in dist/ (tsc's output, where
//   scripts/copy-assets.mjs put the .wasm kernels, the torch templates and the workers'
//   entry), not the chunk it landed in: `new URL('./worker.js', import.meta.url)` keeps working.
//   The worker thread itself runs tsc's dist/ modules, as does the library (dist/index.js).
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/** Dependencies bundled into the CLI; every other one stays external (loaded from node_modules). */
export const INLINED = ['commander', 'chevrotain'];

/** The dependencies of package.json that the bundle imports from node_modules. */
export function externalPackages() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => !INLINED.includes(name));
  return names.flatMap((name) => [name, `${name}/*`]);
}

/**
 * `import.meta.url` of the source file `source` (under src/), as an expression valid in any
 * chunk written to `outdir`: the URL of its compiled twin under `dist`.
 */
export function distUrlExpression(source, outdir, dist = DIST) {
  const twin = join(dist, relative(SRC, source)).replace(/\.ts$/, '.js');
  const path = relative(outdir, twin).split(sep).join('/');
  return `new URL(${JSON.stringify(path)}, import.meta.url).href`;
}

/** The bundle's src/language/ir/schema-validator.ts: the precompiled validator, loaded at its first use. */
export function lazyValidatorModule(outdir, dist = DIST) {
  let cjs = relative(outdir, join(dist, 'language/ir/schema-validator.cjs')).split(sep).join('/');
  if (!cjs.startsWith('.')) cjs = `./${cjs}`; // a bare name would be a package to require()
  return [
    "import { createRequire } from 'node:module';",
    'let validate;',
    `export function schemaValidator() { return (validate ??= createRequire(import.meta.url)(${JSON.stringify(cjs)})); }`,
  ].join('\n');
}

/** esbuild plugin: the two rewrites above (import.meta.url, the precompiled IR validator). */
function distTwins(outdir, dist) {
  return {
    name: 'dist-twins',
    setup(b) {
      b.onResolve({ filter: /\/schema-validator\.ts$/ }, (args) => {
        const path = join(args.resolveDir, args.path);
        if (path !== join(SRC, 'language/ir/schema-validator.ts')) return undefined;
        return { path, namespace: 'lazy-ir-validator' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-ir-validator' }, () => ({
        contents: lazyValidatorModule(outdir, dist),
        resolveDir: SRC,
        loader: 'js',
      }));
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(SRC + sep)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        return { contents: text.replaceAll('import.meta.url', distUrlExpression(args.path, outdir, dist)), loader: 'ts' };
      });
    },
  };
}

/**
 * Bundles src/cli/main.ts into `outdir` (unet.js and its chunks). `dist`: where tsc's output and
 * the precompiled validator are (the build's dist/). Returns esbuild's metafile.
 */
export async function bundleCli(outdir = join(DIST, 'bin'), dist = DIST) {
  // Chunk names carry a hash: clear the last build's, which nothing would load any more.
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { unet: join(SRC, 'cli/main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    external: externalPackages(),
    // commander is CommonJS: inside an ES module its require()s of Node built-ins need a require.
    banner: { js: "import { createRequire as __unetCreateRequire } from 'node:module'; const require = __unetCreateRequire(import.meta.url);" },
    plugins: [distTwins(outdir, dist)],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const metafile = await bundleCli();
  const outputs = Object.keys(metafile.outputs).filter((path) => path.endsWith('.js'));
  console.log(`${relative(ROOT, dirname(outputs[0]))}/: the CLI bundled into ${outputs.length} files`);
}
