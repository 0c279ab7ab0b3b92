// Training progress written to a log (no TTY): a line per epoch, and a step line when an epoch
// runs longer than the interval, so slow training never leaves a log silent for minutes.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.ts';
import type { StepInfo } from '../../src/backends/tfjs/train/loop.ts';

/** A non-TTY stream that keeps what is written, and a clock the test moves. */
function logStream() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(...s.split('\n').filter(Boolean)) } as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

const step = (epoch: number, n: number, steps = 48): StepInfo => ({ epoch, step: n, steps, loss: 0.5 + n / 1000, imagesPerSecond: 0.4 });
const record = { epoch: 1, lr: 0.01, loss: 0.55, valLoss: 0.6, valDice: 0.5, valIoU: 0.33, seconds: 100, imagesPerSecond: 0.4 };

describe('training progress without a TTY', () => {
  it('writes a step line only after the interval without output, and none at the end of an epoch', () => {
    const { lines, stream } = logStream();
    let ms = 0;
    const progress = createProgress(5, 48, 0, { stepInterval: 30, now: () => ms }, stream);
    ms = 10_000;
    progress.step(step(0, 1));
    expect(lines).toEqual([]);
    ms = 31_000;
    progress.step(step(0, 2));
    expect(lines).toEqual(['epoch 1/5  step 2/48  loss 0.5020  0.4 img/s']);
    ms = 50_000; // 19 s after that line: quiet
    progress.step(step(0, 3));
    expect(lines).toHaveLength(1);
    ms = 200_000; // the epoch's last step: its epoch line follows instead
    progress.step(step(0, 48));
    expect(lines).toHaveLength(1);
    progress.epoch(record);
    expect(lines[1]).toMatch(/^epoch 1\/5  loss 0\.5500  val loss 0\.6000  val Dice 0\.5000/);
    ms = 220_000; // the interval counts from the epoch line
    progress.step(step(1, 1));
    expect(lines).toHaveLength(2);
  });

  it('a time-budgeted run (no epoch count) names the epoch alone, in crops when it trains on crops', () => {
    const { lines, stream } = logStream();
    let ms = 0;
    const progress = createProgress(null, 16, 0, { unit: 'crops/s', stepInterval: 30, now: () => ms }, stream);
    ms = 45_000;
    progress.step(step(6, 4, 16));
    expect(lines).toEqual(['epoch 7  step 4/16  loss 0.5040  0.4 crops/s']);
  });

  it('fast epochs print no step lines at all', () => {
    const { lines, stream } = logStream();
    let ms = 0;
    const progress = createProgress(2, 4, 0, { stepInterval: 30, now: () => ms }, stream);
    for (let e = 0; e < 2; e++) {
      for (let n = 1; n <= 4; n++) {
        ms += 500;
        progress.step(step(e, n, 4));
      }
      progress.epoch({ ...record, epoch: e + 1 });
    }
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.includes('step'))).toBe(true);
  });
});
