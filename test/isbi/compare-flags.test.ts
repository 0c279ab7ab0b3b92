// bench/isbi-compare.ts refuses, before any training, a comparison that would not be issue
// 15's protocol: --baseline-from must hold baselines trained for the same budget, and it
// cannot be combined with --side-by-side (which trains both contenders at once).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';

const compare = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/isbi-compare.ts', '--data', 'builtin:ellipses', '--seeds', '1', ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });

describe('bench/isbi-compare.ts --baseline-from', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-compare-'));
  const out = join(dir, 'out');

  it('refuses baselines trained for another budget', () => {
    const earlier = join(dir, 'ten');
    mkdirSync(earlier);
    writeFileSync(join(earlier, 'results.json'), JSON.stringify({ time: '10m', results: [] }));
    const r = compare('--time', '20m', '--baseline-from', earlier, '--out', out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`--baseline-from ${earlier}: its results.json has the budget 10m, not --time 20m`);
  });

  it('refuses a directory without results.json', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = compare('--time', '20m', '--baseline-from', empty, '--out', out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('its results.json is missing or has no budget');
  });

  it('refuses to combine it with --side-by-side', () => {
    const r = compare('--time', '20m', '--baseline-from', dir, '--side-by-side', '--out', out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--baseline-from reuses trained baselines; --side-by-side trains both contenders at once');
  });
});
