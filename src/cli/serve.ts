// `unet serve [--port N] [--host H] [--out DIR]`: the playground, a static page that parses,
// checks and draws specs in the browser. The server only hands out the files of the static
// site that `npm run build:site` writes (playground/build.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { buildPlayground, writeSite, type PlaygroundFiles } from '../../playground/build.ts';

const TYPES = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' } as const;

export interface Playground {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves the bundled page on host:port (port 0 picks a free one) and resolves once listening. */
export async function servePlayground(opts: { port: number; host?: string; files?: PlaygroundFiles }): Promise<Playground> {
  const files = opts.files ?? (await buildPlayground());
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const name = path === '/' || path === '/index.html' ? 'index.html' : path === '/app.js' ? 'app.js' : null;
    if (name) res.writeHead(200, { 'content-type': TYPES[name] }).end(files[name]);
    // The page has no icon; answer the browser's request for one without an error in its console.
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = !opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
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
    .option('--host <host>', 'address to listen on (default: all; 127.0.0.1 keeps it on this machine)')
    .option('--out <dir>', 'write the static page to a folder instead of serving it')
    .addHelpText('after', '\nExample:\n  unet serve --port 5173   (then open http://localhost:5173)')
    .action(async (opts: { port: number; host?: string; out?: string }) => {
      const files = await buildPlayground();
      if (opts.out) {
        process.stdout.write(`wrote ${writeSite(files, opts.out).join(', ')}\n`);
        return;
      }
      // --port 0 picks a free port; print the one the system gave.
      const { url } = await servePlayground({ port: opts.port, host: opts.host, files });
      process.stdout.write(`playground at ${url}\n`);
    });
}
