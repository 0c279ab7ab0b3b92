// `unet plan` end to end: the spec it prints or writes, that the spec trains, the refusal to
// overwrite a user's file, and bad flags and data named in the message.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/plan.ts';
import { PLAN_MARKER } from '../../src/app/plan/write.ts';
import { runUnet } from '../helpers/cli.ts';
import { cellSheets, writeFolder } from '../app/plan/generate.ts';

let dir: string;
let data: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unet-plan-'));
  data = join(dir, 'cells');
  // Touching cells (mask 255) split by 3 px membranes (mask 0), as the ISBI 2012 labels.
  await writeFolder(data, cellSheets({ count: 10, size: 96, cell: 14, membrane: 3 }), [0, 255]);
});

describe('unet plan', () => {
  it('writes a spec for touching cells that trains for its time budget', async () => {
    const out = join(dir, 'plan', 'cells.unet');
    const planned = await runUnet(['plan', '--data', data, '--time', '4s', '--probe', '1s', '--out', out]);
    expect(planned.stderr).toMatch(/fingerprint: objects: /);
    expect(planned.stderr).toMatch(/probe: depth \d (valid|same), 8 filters/);
    expect(planned.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe(PLAN_MARKER);
    expect(text).toMatch(/^\s+mask_values 255, 0\s+# the thin separating class/m);
    // Hairline (3 px) membranes: ce_dice with the paper's border weight map in its CE term.
    expect(text).toMatch(/^\s+loss\s+ce_dice\s+# .*border weight map/m);
    expect(text).toMatch(/^\s+weight_map\s+w0 10 sigma 5 cell_class 0\s+# /m);
    expect(text).toMatch(/^\s+time\s+4s\s+# /m);

    const trained = await runUnet(['train', out, '--data', data, '--out', join(dir, 'run')]);
    expect(trained.stderr).toBe('');
    expect(trained.stdout).toMatch(/time budget reached/);
    expect(trained.code).toBe(0);
  }, 120_000);

  it('prints the spec to stdout without --out', async () => {
    const r = await runUnet(['plan', '--data', 'builtin:ellipses:12', '--time', '1m', '--probe', '1s']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(PLAN_MARKER)).toBe(true);
    expect(r.stdout).toMatch(/^unet Ellipses \{/m);
    expect(r.stdout).toMatch(/loss\s+ce_dice\s+# only/);
  }, 60_000);

  it('refuses to overwrite a file unet plan did not write (exit 1), and leaves it as it was', async () => {
    const mine = join(dir, 'mine.unet');
    writeFileSync(mine, 'unet Mine { input 1\n output 2 classes softmax }\n');
    const r = await runUnet(['plan', '--data', data, '--time', '4s', '--out', mine]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out .*mine\.unet: the file exists and was not written by unet plan/);
    expect(readFileSync(mine, 'utf8')).toBe('unet Mine { input 1\n output 2 classes softmax }\n');
  });

  it('accepts as --out a file that starts with the plan marker (it goes on to the data)', async () => {
    const earlier = join(dir, 'earlier.unet');
    writeFileSync(earlier, `${PLAN_MARKER}\nunet Old { input 1\n output 2 classes softmax }\n`);
    expect(await planError(['--data', '/nonexistent/data', '--time', '1m', '--out', earlier])).toMatch(/\/nonexistent\/data: data folder does not exist/);
  });

  it.each([
    [['--data', 'builtin:ellipses', '--time', 'soon'], /--time <duration>.*'soon' is invalid/],
    [['--data', 'builtin:ellipses'], /required option '--time <duration>' not specified/],
    [['--data', 'builtin:ellipses', '--time', '1m', '--workers', '0'], /--workers <n>.*expected a positive integer or auto/],
    [['--data', 'builtin:ellipses', '--time', '1m', '--probe', '0x'], /--probe <duration>.*invalid/],
    [['--data', 'builtin:ellipses', '--time', '1m', '--out', 'plan.txt'], /--out plan\.txt: expected a \.unet file name/],
    [['--data', 'builtin:ellipsoids', '--time', '1m'], /builtin:ellipsoids holds 3D volumes; unet plan plans 2D networks/],
    [['--data', '/nonexistent/data', '--time', '1m'], /\/nonexistent\/data: data folder does not exist/],
  ])('refuses %j with a message naming the flag', async (args, message) => {
    expect(await planError(args)).toMatch(message);
  });
});

/** Runs `unet plan ARGS` in this process (commander's exits become throws) and returns the error it stops with. */
async function planError(args: string[]): Promise<string> {
  let written = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (written += s), writeOut: () => {} });
  register(program);
  try {
    await program.parseAsync(['plan', ...args], { from: 'user' });
  } catch (error) {
    return `${written}${(error as Error).message}`;
  }
  throw new Error(`unet plan ${args.join(' ')} did not fail`);
}
