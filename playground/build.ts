// Bundles the playground with esbuild into two pages: the editor (playground/main.ts, the
// front end it imports and CodeMirror: app.js) and the network page (playground/network/
// main.ts, with tfjs, onnxruntime-web, the data code and the training loop: network.js), specs
// as text, and the one .wasm of onnxruntime-web the network page loads for .onnx files (26.8 MB,
// ort-files.ts). The result is a static site: `npm run build:site` writes it, `unet serve` serves it.
// The language layer is browser-safe (test/architecture/layers.test.ts), so nothing needs a shim.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SIMD_FILES } from '../src/backends/tfjs/kernels/simd/module.ts';
import { simdSiteName, TFJS_WASM_FILES } from './network/wasm-files.ts';
import { ORT_WASM } from './network/ort-files.ts';
import { NO_EM_SAMPLE, SAMPLES_FILE } from '../src/data/sample-manifest.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The site's files by name; the page loads its script by a relative URL, so any static host serves it. */
export interface PlaygroundFiles {
  'index.html': string;
  'app.js': string;
  'network.html': string;
  'network.js': string;
  [ORT_WASM]: Uint8Array;
  /** The wasm engine's builds and kernels (network/wasm-files.ts). */
  [wasmFile: string]: string | Uint8Array;
  /** Which bundled samples the site has: none here; `unet serve --sample-data` adds the EM sample. */
  'samples.json': string;
}

/** One page's script: its entry and everything it imports, in one ES module. */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    loader: { '.unet': 'text' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export async function buildPlayground(): Promise<PlaygroundFiles> {
  const [app, network] = await Promise.all([bundle('./main.ts'), bundle('./network/main.ts')]);
  const page = (name: string) => readFileSync(here(name), 'utf8');
  // Only this .wasm of the package's 140 MB (other builds: jsep, jspi, plain): what network.js's onnxruntime-web loads.
  // The package exports no package.json; its CommonJS entry lies in dist/ beside the .wasm files.
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const ortWasm = new Uint8Array(readFileSync(join(ortDist, ORT_WASM)));
  const samples = JSON.stringify(NO_EM_SAMPLE, null, 2) + '\n';
  // The wasm engine: tfjs-backend-wasm's builds (1.2 MB) and our SIMD kernels (13 kB), wasm-files.ts.
  const tfjsWasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const wasmEngine = Object.fromEntries([
    ...TFJS_WASM_FILES.map((name) => [name, new Uint8Array(readFileSync(join(tfjsWasmDist, name)))]),
    ...SIMD_FILES.map((file) => [simdSiteName(file), new Uint8Array(readFileSync(here(`../src/backends/tfjs/kernels/simd/${file}`)))]),
  ]) as Record<string, Uint8Array>;
  return {
    'index.html': page('./index.html'),
    'app.js': app,
    'network.html': page('./network.html'),
    'network.js': network,
    [ORT_WASM]: ortWasm,
    [SAMPLES_FILE]: samples,
    ...wasmEngine,
  };
}
