// Start-up time of the compiled CLI (dist/bin/, `npm run build` first): wall time of each
// command against `node -e ""` in the same run, interleaved, median of RUNS runs.
//   npx tsx bench/startup.ts [RUNS]     (results: bench/RESULTS.md, "CLI start-up")
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.argv[2] ?? 9);
const REPO = join(import.meta.dirname, '..');
if (!existsSync(join(REPO, 'dist/bin/unet.js'))) throw new Error('bench/startup.ts: dist/ is missing; run npm run build first');
const SPEC = 'specs/ronneberger2015.unet';
const out = join(mkdtempSync(join(tmpdir(), 'unet-startup-')), 'u.svg');

const CASES: [string, string[]][] = [
  ['node -e ""', ['-e', '']],
  ['unet --help', ['bin/unet.js', '--help']],
  ['unet check', ['bin/unet.js', 'check', SPEC]],
  ['unet fmt', ['bin/unet.js', 'fmt', SPEC]],
  ['unet ir', ['bin/unet.js', 'ir', SPEC]],
  ['unet draw (svg)', ['bin/unet.js', 'draw', SPEC, '--out', out]],
  // For comparison: the same check from tsc's unbundled output (how bin/unet.js ran before
  // scripts/bundle-cli.mjs: ~60 modules), and from the TypeScript sources through tsx (before the build).
  ['unet check, unbundled dist/cli', ['dist/cli/main.js', 'check', SPEC]],
  ['unet check, sources via tsx', ['test/helpers/unet-sources.js', 'check', SPEC]],
];

// Start-up times stretch with the machine's load: say what it was (1-minute load average).
const load = () => loadavg()[0]!.toFixed(2);
console.log(`load average before: ${load()}`);
const times = new Map<string, number[]>(CASES.map(([name]) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, args] of CASES) {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
    const seconds = (performance.now() - start) / 1000;
    if (child.status !== 0) throw new Error(`${name} exited with ${child.status}: ${child.stderr}`);
    times.get(name)!.push(seconds);
  }
}
console.log(`load average after: ${load()}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get('node -e ""')!);
console.log(`| command | median wall (s) | minus node -e "" (s) | min (s) |\n|---|---|---|---|`);
for (const [name, xs] of times) {
  console.log(`| ${name} | ${median(xs).toFixed(3)} | ${(median(xs) - base).toFixed(3)} | ${Math.min(...xs).toFixed(3)} |`);
}
