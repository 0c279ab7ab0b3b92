// Bundles the playground with esbuild: playground/main.ts and the front end it imports
// (grammar, resolve, shapes, rules, draw) into one browser script, specs as text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Node-only modules the front end imports but never calls in the page. */
const SHIMS: Record<string, string> = { commander: here('./shims/commander.ts'), 'node:fs': here('./shims/fs.ts') };

const shims: Plugin = {
  name: 'shims',
  setup(b) {
    b.onResolve({ filter: /^(commander|node:fs)$/ }, (args) => ({ path: SHIMS[args.path]! }));
  },
};

export interface PlaygroundFiles {
  'index.html': string;
  'app.js': string;
}

export async function buildPlayground(): Promise<PlaygroundFiles> {
  const result = await build({
    entryPoints: [here('./main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    loader: { '.unet': 'text' },
    plugins: [shims],
    logLevel: 'silent',
  });
  return { 'index.html': readFileSync(here('./index.html'), 'utf8'), 'app.js': result.outputFiles[0]!.text };
}
