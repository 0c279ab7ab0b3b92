// The layers of the project and the directions imports may take between them (issue 13).
// A file's layer is the first entry of LAYERS whose folder holds it; it may import its own
// layer and those listed in `uses`, nothing above. Tests, benches and bin are not checked.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';

export interface Layer {
  name: string;
  folder: string;
  uses: string[];
  /** Browser-safe: no Node built-ins (the playground and a browser app bundle these). */
  browser?: boolean;
}

export const LAYERS: Layer[] = [
  { name: 'language', folder: 'src/language', uses: [], browser: true },
  // Node file safety (atomic writes, checkpoint pointers, the output-directory policy, the run
  // lock, the shared reader of run files): what every layer that writes files shares.
  { name: 'io', folder: 'src/io', uses: [] },
  { name: 'data', folder: 'src/data', uses: ['language', 'io'], browser: true },
  { name: 'metrics', folder: 'src/metrics', uses: ['language', 'data'], browser: true },
  // Shared by the backends: what an op a backend cannot express reports.
  { name: 'backends-common', folder: 'src/backends/unsupported.ts', uses: ['language'] },
  // Siblings: each may use the layers below, never another backend.
  ...['tfjs', 'onnx', 'torch'].map((name) => ({
    name, folder: `src/backends/${name}`, uses: ['language', 'io', 'data', 'metrics', 'backends-common'],
  })),
  // The library's browser-safe entry (package.json "exports": ".").
  { name: 'api', folder: 'src/index.ts', uses: ['language'], browser: true },
  { name: 'app', folder: 'src/app', uses: ['language', 'io', 'data', 'metrics', 'backends-common', 'tfjs', 'onnx', 'torch'] },
  { name: 'node', folder: 'src/node', uses: ['api', 'language', 'io', 'data', 'metrics', 'tfjs', 'onnx', 'torch', 'app'] },
  // The editor uses the language; the network page (playground/network/) segments and trains
  // with the browser-safe data code and tfjs backend, and reads .onnx files with the onnx
  // backend's browser-safe modules, as the CLI does.
  { name: 'playground', folder: 'playground', uses: ['language', 'data', 'metrics', 'tfjs', 'onnx'], browser: true },
  { name: 'cli', folder: 'src/cli', uses: ['language', 'io', 'data', 'metrics', 'backends-common', 'tfjs', 'onnx', 'torch', 'app', 'node'] },
  { name: 'bin', folder: 'bin', uses: ['cli'] },
];

/**
 * Files of a browser-safe layer that may use Node built-ins all the same, each with why:
 * readers of files on disk, which a browser app replaces by its own I/O.
 */
export const NODE_IO: Record<string, string> = {
  'src/data/image-io.ts': 'reads and writes PNG/TIFF files',
  'src/data/volume-io.ts': 'reads and writes volume files',
  'src/data/dataset.ts': 'lists a data folder of image/label pairs',
  'src/data/volume-dataset.ts': 'lists a data folder of volumes',
  // The playground's esbuild script runs in Node; the page it bundles does not.
  'playground/build.ts': 'bundles the playground with esbuild',
};

/** Inside a layer: [lower, upper] folders where the lower may not import the upper. */
export const BELOW: [string, string][] = [
  // The IR (types, lowering, each op's shape rule) is what shape inference works on.
  ['src/language/ir', 'src/language/shapes'],
  ['src/language/grammar', 'src/language/spec'],
];

const inFolder = (file: string, folder: string) => file === folder || file.startsWith(folder + '/');

/** Modules a browser loads: nothing they import, directly or not, may be a Node built-in. */
export const BROWSER_ENTRIES = [
  'src/index.ts',
  'src/backends/tfjs/layers/index.ts',
  'playground/main.ts',
  'playground/network/main.ts',
  // What the playground's network page shares with `unet predict` and `unet train`.
  'src/data/segment.ts',
  // ... and the pairing, checks and class mapping of `--data DIR`, and the training input size.
  'src/data/pairing.ts',
  'src/data/pair-samples.ts',
  'src/data/input-size.ts',
  'src/backends/tfjs/predictor.ts',
  'src/backends/tfjs/train/loop.ts',
  'src/backends/tfjs/train/prepare.ts',
  'src/backends/tfjs/kernels/fixes.ts',
  'src/backends/onnx/decode.ts',
  'src/backends/onnx/export.ts',
  'src/backends/onnx/metadata.ts',
  'src/backends/onnx/predictor.ts',
  'src/data/raw-pixels.ts',
];

export function layerOf(file: string, layers: Layer[] = LAYERS): Layer | undefined {
  return layers.find((layer) => file === layer.folder || file.startsWith(layer.folder + '/'));
}

/** Every module specifier a file names: imports, exports, import(), and `new URL()` of code it loads. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g,
    /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bnew URL\(\s*['"`](\.[^'"`$]+\.[jt]s)['"`]\s*,\s*import\.meta\.url/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]!);

/** Every import that goes against LAYERS, as "file -> specifier: why" lines. */
export function violations(files: Map<string, string>, layers: Layer[] = LAYERS, nodeIo: Record<string, string> = NODE_IO, below: [string, string][] = BELOW): string[] {
  const found: string[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file, layers);
    if (!from) continue;
    for (const spec of specifiers(source)) {
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        const inverted = below.find(([lower, upper]) => inFolder(file, lower) && inFolder(target, upper));
        if (inverted) found.push(`${file} -> ${spec}: ${inverted[0]} is below ${inverted[1]}`);
        const to = layerOf(target, layers);
        if (!to || to === from || from.uses.includes(to.name)) continue;
        found.push(`${file} -> ${spec}: ${from.name} may not import ${to.name}`);
      } else if (from.browser && isBuiltin(spec) && !(file in nodeIo)) {
        found.push(`${file} -> ${spec}: ${from.name} is browser-safe, no Node built-ins`);
      }
    }
  }
  return found;
}

/** The Node built-ins `entry` reaches through relative imports, as "chain: built-in" lines. */
/**
 * Node's globals used bare in a source (comments left out): `process.env.X` throws in a page,
 * where there is no process, as surely as an import of node:fs fails to load. Reaching them
 * through globalThis, guarded, is how browser-safe code asks (simd-switch.ts).
 */
export function nodeGlobalsIn(source: string): string[] {
  const code = source.replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...new Set([...code.matchAll(/(?<![\w.$'"`])(process|Buffer|__dirname|__filename|require)\s*[.(]/g)].map((m) => m[1]!))];
}

export function nodeReachedFrom(entry: string, files: Map<string, string>): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const name of nodeGlobalsIn(files.get(file) ?? '')) found.push(`${[...chain, file].join(' -> ')}: the Node global ${name}`);
    for (const spec of specifiers(files.get(file) ?? '')) {
      if (spec.startsWith('.')) visit(posix.normalize(posix.join(posix.dirname(file), spec)), [...chain, file]);
      else if (isBuiltin(spec)) found.push(`${[...chain, file].join(' -> ')}: ${spec}`);
    }
  };
  visit(entry, []);
  return found;
}
