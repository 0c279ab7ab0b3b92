// A bounded run of the front end's fuzz property (test/helpers/frontend-fuzz.ts); longer
// runs: npx tsx bench/fuzz-frontend.ts --runs 100000. Seeded, so a failure reproduces.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { checkFrontEnd, mutatedSpec, SPECS } from '../helpers/frontend-fuzz.ts';

test('every spec in specs/ is fuzzed', () => {
  expect(SPECS.length).toBeGreaterThanOrEqual(10);
});

test('mutated specs compile to a valid IR or to located errors, never throw, never hang', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(mutatedSpec, ({ path, text }) => checkFrontEnd(path, text)),
    { numRuns: 150, seed: 12 },
  );
});
