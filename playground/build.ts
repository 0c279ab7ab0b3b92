// Bundles the playground with esbuild into two pages: the editor (playground/main.ts, the
// front end it imports and CodeMirror: app.js) and the network page (playground/network/
// main.ts, with tfjs, the data code and the training loop: network.js), specs as text. The
// result is a static site: `npm run build:site` writes it, `unet serve` serves it.
// The language layer is browser-safe (test/architecture/layers.test.ts), so nothing needs a shim.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NO_EM_SAMPLE, SAMPLES_FILE } from '../src/data/sample-manifest.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The site's files by name; the page loads its script by a relative URL, so any static host serves it. */
export interface PlaygroundFiles {
  'index.html': string;
  'app.js': string;
  'network.html': string;
  'network.js': string;
  /** Which bundled samples the site has: none here; `unet serve --sample-data` adds the EM sample. */
  'samples.json': string;
}

/** Writes the site into `dir` (created if needed) and returns the paths written: the build's own dist/playground. */
export function writeSite(files: PlaygroundFiles, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
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
  const samples = JSON.stringify(NO_EM_SAMPLE, null, 2) + '\n';
  return { 'index.html': page('./index.html'), 'app.js': app, 'network.html': page('./network.html'), 'network.js': network, [SAMPLES_FILE]: samples };
}

// `tsx playground/build.ts OUT` (part of `npm run build`): writes the page that `unet serve`
// serves and `unet serve --out DIR` copies (src/cli/serve.ts reads it from dist/playground).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx playground/build.ts OUT_DIR');
  process.stdout.write(`wrote ${writeSite(await buildPlayground(), out).join(', ')}\n`);
}
