// `unet serve [--port N] [--host H] [--out DIR] [--sample-data DATA] [--sample-run RUN]`: the playground, static pages that parse,
// check and draw specs, and segment and train, in the browser. The server only hands out the bundled files,
// which `npm run build` writes to dist/playground (scripts/build-playground.ts), and only to this
// machine unless --host says otherwise. The CLI does not bundle at run time, so the package
// needs no esbuild and imports nothing of playground/.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { sampleFiles } from '../app/sample-data.ts';
import { writeSite } from '../app/site.ts';
import { markerPath, readMarker } from '../io/out-dir.ts';

/** The site: its pages and what the build or --sample-data put beside them (onnxruntime-web's .wasm, the EM sample's PNGs). */
export type SiteFiles = Record<string, string | Uint8Array>;

/** The built site's files by name: the two pages, their scripts and samples.json, and the rest of dist/playground. */
export type PlaygroundFiles = Record<'index.html' | 'app.js' | 'network.html' | 'network.js' | 'samples.json', string | Uint8Array> & SiteFiles;

const PAGES = ['index.html', 'app.js', 'network.html', 'network.js', 'samples.json'] as const;
// application/wasm lets the browser compile while it downloads (WebAssembly.instantiateStreaming).
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};
const typeOf = (name: string) => TYPES[extname(name)] ?? 'application/octet-stream';

// Two levels below the package root both in src/cli and in dist/cli (which the bundled CLI's
// import.meta.url also means: scripts/bundle-cli.mjs).
const BUILT = new URL('../../dist/playground/', import.meta.url);

/**
 * The bundled site from dist/playground: exactly the files its last build wrote (the build
 * claims the folder with a marker listing them, src/io/out-dir.ts), so a file left there by an
 * older build or by hand is neither served nor copied by --out. Says how to build it when a
 * page or the marker is missing.
 */
export function builtPlayground(folder: URL = BUILT): PlaygroundFiles {
  const notBuilt = (what: string) => new Error(`the playground is not built (no ${what}): run \`npm run build\` in the unet-dsl checkout`);
  const missing = PAGES.find((name) => !existsSync(new URL(name, folder)));
  if (missing) throw notBuilt(new URL(missing, folder).pathname);
  const marker = readMarker(fileURLToPath(folder), 'site');
  if (!marker) throw notBuilt(markerPath(fileURLToPath(folder), 'site'));
  const names = marker.files.filter((name) => extname(name) in TYPES);
  return Object.fromEntries(names.map((name) => [name, readFileSync(new URL(name, folder))])) as unknown as PlaygroundFiles;
}

/** Loopback only: a server on every interface would be reachable from the whole network. */
export const DEFAULT_HOST = '127.0.0.1';

/** 127.0.0.0/8, ::1 and `localhost` stay on this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

/** What `unet serve --host H` prints to stderr when H lets other machines in. */
export function exposureWarning(host: string): string | null {
  if (isLoopback(host)) return null;
  const who = host === '0.0.0.0' || host === '::' ? 'every network interface' : host;
  return `warning: --host ${host}: the playground is reachable from other machines on ${who}; leave --host out (${DEFAULT_HOST}) to keep it on this one\n`;
}

export interface Playground {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves the bundled page on host:port (port 0 picks a free one; host 127.0.0.1 by default) and resolves once listening. */
export async function servePlayground(opts: { port: number; host?: string; files?: SiteFiles }): Promise<Playground> {
  const listenHost = opts.host ?? DEFAULT_HOST;
  const files: SiteFiles = opts.files ?? builtPlayground();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path === '/' ? 'index.html' : Object.keys(files).find((n) => path === `/${n}`);
    if (name) res.writeHead(200, { 'content-type': typeOf(name) }).end(files[name]);
    // The page has no icon; answer the browser's request for one without an error in its console.
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, listenHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard address is reached as localhost from this machine.
  const host = listenHost === '0.0.0.0' || listenHost === '::' ? 'localhost' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('the playground: edit a spec in the browser and see its U diagram and shapes live')
    .option('--port <N>', 'port to listen on', (v) => Number.parseInt(v, 10), 5173)
    .option('--host <host>', `address to listen on (default ${DEFAULT_HOST}: this machine only; 0.0.0.0 exposes it to the network)`)
    .option('--out <dir>', 'write the static page to a folder instead of serving it')
    .option('--sample-data <DATA>', 'a labelled data folder (a --data DIR layout, e.g. ISBI 2012): a few crops of it become the page\'s EM sample')
    .option('--sample-run <RUN>', 'a run directory of `unet train`: the page\'s bundled sample model (its "sample model" button)')
    .addHelpText('after', `\nExamples:\n  unet serve --port 5173   (then open http://${DEFAULT_HOST}:5173)\n  unet serve --out site --sample-data ../shared/data/isbi2012 --sample-run runs/ellipses`)
    .action(async (opts: { port: number; host?: string; out?: string; sampleData?: string; sampleRun?: string }) => {
      const samples = opts.sampleData === undefined && opts.sampleRun === undefined ? {} : await sampleFiles({ data: opts.sampleData, run: opts.sampleRun });
      const files: SiteFiles = { ...builtPlayground(), ...samples };
      if (opts.out) {
        process.stdout.write(`wrote ${writeSite({ ...files }, opts.out).join(', ')}\n`);
        return;
      }
      const warning = opts.host === undefined ? null : exposureWarning(opts.host);
      if (warning) process.stderr.write(warning);
      // --port 0 picks a free port; print the one the system gave.
      const { url } = await servePlayground({ port: opts.port, host: opts.host, files });
      process.stdout.write(`playground at ${url}\n`);
    });
}
