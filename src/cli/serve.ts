// `unet serve [--port N] [--out DIR]`: the playground, a static page that parses, checks and
// draws specs in the browser. The server only hands out the two bundled files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildPlayground } from '../../playground/build.ts';

const TYPES = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' } as const;

export function register(program: Command): void {
  program
    .command('serve')
    .description('the playground: edit a spec in the browser and see its U diagram and shapes live')
    .option('--port <N>', 'port to listen on', (v) => Number.parseInt(v, 10), 5173)
    .option('--out <dir>', 'write the static page to a folder instead of serving it')
    .addHelpText('after', '\nExample:\n  unet serve --port 5173   (then open http://localhost:5173)')
    .action(async (opts: { port: number; out?: string }) => {
      const files = await buildPlayground();
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        for (const [name, text] of Object.entries(files)) writeFileSync(join(opts.out, name), text);
        process.stdout.write(`wrote ${join(opts.out, 'index.html')} and app.js\n`);
        return;
      }
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        const name = path === '/' ? 'index.html' : path === '/app.js' ? 'app.js' : null;
        if (!name) res.writeHead(404).end('not found');
        else res.writeHead(200, { 'content-type': TYPES[name] }).end(files[name]);
      });
      // --port 0 picks a free port; print the one the system gave.
      server.listen(opts.port, () => process.stdout.write(`playground at http://localhost:${(server.address() as AddressInfo).port}\n`));
    });
}
