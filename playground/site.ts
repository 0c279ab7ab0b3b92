// `npm run build:site [DIR]`: the playground as a static folder (default site/) for any
// static host, e.g. GitHub Pages; see README.md.
import { buildPlayground, writeSite } from './build.ts';

const dir = process.argv[2] ?? 'site';
const written = writeSite(await buildPlayground(), dir);
process.stdout.write(`wrote ${written.join(', ')}\n`);
