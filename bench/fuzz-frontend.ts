// A long run of the front end's fuzz property (test/helpers/frontend-fuzz.ts):
//   npx tsx bench/fuzz-frontend.ts --runs 100000 [--seed N]
// Prints the runs and the time; on a failure, its reason and where the failing text was
// written (exit 1).
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { checkFrontEnd, mutatedSpec } from '../test/helpers/frontend-fuzz.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} expects a whole number, found '${process.argv[i + 1]}'`);
  return value;
}

const runs = flag('runs', 10_000);
const seed = flag('seed', Date.now() % 2 ** 31);
const start = performance.now();
const details = fc.check(fc.property(mutatedSpec, ({ path, text }) => checkFrontEnd(path, text)), { numRuns: runs, seed });
const seconds = ((performance.now() - start) / 1000).toFixed(0);
if (details.failed) {
  // The counterexample can be a megabyte of text: to a file, not to the terminal.
  const [failing] = (details.counterexample ?? []) as { path: string; text: string }[];
  const saved = 'fuzz-frontend-failure.unet';
  if (failing) writeFileSync(saved, failing.text);
  process.stderr.write(`${String(details.errorInstance).slice(0, 2000)}\nmutated from ${failing?.path}; the text is in ${saved} (replay: seed ${seed}, path ${details.counterexamplePath})\n`);
  process.stdout.write(`fuzz-frontend: failed after ${details.numRuns} of ${runs} runs (seed ${seed}, ${seconds} s)\n`);
  process.exitCode = 1;
} else process.stdout.write(`fuzz-frontend: ${details.numRuns} runs, ${seconds} s, no failure (seed ${seed})\n`);
