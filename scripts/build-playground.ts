// `tsx scripts/build-playground.ts OUT` (the last step of `npm run build`, which starts from an
// empty dist/): bundles the playground (playground/build.ts) and writes it with the one writer of
// sites (src/app/site.ts), which claims OUT with a marker listing the files. `unet serve` serves
// and copies exactly those (src/cli/serve.ts builtPlayground), never a file left beside them.
import { buildPlayground } from '../playground/build.ts';
import { writeSite } from '../src/app/site.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: tsx scripts/build-playground.ts OUT_DIR\n');
  process.exit(2);
}
process.stdout.write(`wrote ${writeSite(await buildPlayground(), out).join(', ')}\n`);
