// `unet train --resume` as a user runs it: the run's own config.json decides everything but
// --epochs, --engine and --workers; flags that would change a run midway are refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointDir } from '../../../src/io/checkpoints.ts';
import { runUnet } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-resume-'));
const spec = join(dir, 'tiny.unet');
// A cosine schedule: its rate at each epoch depends on the total epoch count.
writeFileSync(
  spec,
  `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  up      transposed 2x2
  train {
    optimizer sgd lr 0.1
    schedule  cosine
    batch     8
    epochs    1
    seed      3
  }
}
`,
);

const train = (out: string, ...args: string[]) =>
  runUnet(['train', spec, '--data', 'builtin:ellipses:16', '--engine', 'wasm', '--workers', '1', '--out', join(dir, out), ...args], dir);
const file = (run: string, name: string) => readFileSync(join(dir, run, name));
const lrs = (run: string) => file(run, 'metrics.jsonl').toString().trim().split('\n').map((l) => JSON.parse(l).lr);

/** Rewrites the epoch count in a run's config.json and ir.json. */
function setEpochs(run: string, epochs: number): void {
  for (const name of ['config.json', 'ir.json']) {
    const json = JSON.parse(file(run, name).toString());
    json.train.epochs = epochs;
    writeFileSync(join(dir, run, name), JSON.stringify(json, null, 2) + '\n');
  }
}

describe('unet train --resume', { timeout: 60_000 }, () => {
  it("without --epochs trains the run's own epoch count with its schedule, to a straight run's weights", async () => {
    const straight = await train('straight', '--epochs', '3');
    expect(straight.code, straight.stderr).toBe(0);
    // A run started with --epochs 3 and stopped after its first epoch: the files of a
    // one-epoch run with 3 epochs in its configuration.
    expect((await train('stopped', '--epochs', '1')).code).toBe(0);
    setEpochs('stopped', 3);
    const resumed = await train('stopped', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/3 epochs of .* resuming after epoch 1/);
    expect(lrs('stopped')).toEqual(lrs('straight'));
    const lastWeights = (run: string) => readFileSync(join(checkpointDir(join(dir, run), 'last'), 'tensors.bin'));
    expect(lastWeights('stopped').equals(lastWeights('straight'))).toBe(true);
  });

  it('--epochs given on --resume replaces the count and is recorded in config.json', async () => {
    expect((await train('longer', '--epochs', '1')).code).toBe(0);
    const resumed = await train('longer', '--resume', '--epochs', '2');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/2 epochs of .* resuming after epoch 1/);
    expect(JSON.parse(file('longer', 'config.json').toString()).train.epochs).toBe(2);
  });

  it.concurrent.each([
    [['--batch', '4'], '--batch'],
    [['--lr', '0.5'], '--lr'],
    [['--seed', '1'], '--seed'],
    [['--val-split', '0.5'], '--val-split'],
    [['--augment', 'flip'], '--augment'],
    [['--data', 'builtin:ellipses:32'], '--data builtin:ellipses:32'],
  ])('refuses %s: the run fixes it; nothing changes', async (flags, named) => {
    // The finished run of the test above: any change to its files would show.
    const before = file('longer', 'config.json');
    const data = flags[0] === '--data' ? [] : ['--data', 'builtin:ellipses:16'];
    const r = await runUnet(['train', spec, ...data, '--out', join(dir, 'longer'), '--resume', ...flags], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain(join(dir, 'longer', 'config.json'));
    expect(file('longer', 'config.json').equals(before)).toBe(true);
  });
});
