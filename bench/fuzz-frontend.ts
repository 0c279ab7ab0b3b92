// A long run of the front end's fuzz property (test/helpers/frontend-fuzz.ts):
//   npx tsx bench/fuzz-frontend.ts --runs 100000 [--seed N]
// Prints the runs, the time and the counterexample of the first failure (exit 1).
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
  process.stderr.write(`${fc.defaultReportMessage(details)}\n`);
  process.stdout.write(`fuzz-frontend: failed after ${details.numRuns} of ${runs} runs (seed ${seed}, ${seconds} s)\n`);
  process.exitCode = 1;
} else process.stdout.write(`fuzz-frontend: ${details.numRuns} runs, ${seconds} s, no failure (seed ${seed})\n`);
