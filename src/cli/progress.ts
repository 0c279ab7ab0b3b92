// Training progress on the terminal: a live bar (cli-progress) with loss, images/s and ETA
// when stdout is a TTY; otherwise (logs, CI, pipes) only one plain line per epoch.
import cliProgress from 'cli-progress';
import type { EpochRecord, StepInfo } from '../../backends/tfjs/train/loop.ts';

export interface Progress {
  step(info: StepInfo): void;
  epoch(record: EpochRecord): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/** The per-epoch summary line, the same with and without a TTY. */
export function epochLine(record: EpochRecord, epochs: number): string {
  return (
    `epoch ${record.epoch}/${epochs}  loss ${record.loss.toFixed(4)}  val loss ${record.valLoss.toFixed(4)}  ` +
    `val Dice ${record.valDice.toFixed(4)}  val IoU ${record.valIoU.toFixed(4)}  lr ${record.lr.toPrecision(3)}  ` +
    `${record.imagesPerSecond.toFixed(1)} img/s  ${record.seconds.toFixed(1)} s`
  );
}

/** A progress display for `epochs` epochs of `steps` steps, starting after `done` steps. */
export function createProgress(epochs: number, steps: number, done: number, stream: NodeJS.WriteStream = process.stdout): Progress {
  const write = (line: string) => stream.write(line + '\n');
  if (!stream.isTTY) {
    return { step: () => {}, epoch: (r) => write(epochLine(r, epochs)), log: write, stop: () => {} };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | {ips} img/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      // The ETA averages over the last steps, so the pause for validation does not swing it.
      etaBuffer: Math.max(10, steps),
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(epochs * steps, done, { epoch: 1, epochs, loss: '-', ips: '-' });
  return {
    step: (info) =>
      bar.update(info.epoch * steps + info.step, {
        epoch: info.epoch + 1,
        loss: info.loss.toFixed(4),
        ips: info.imagesPerSecond.toFixed(1),
      }),
    // MultiBar.log buffers until the next redraw; update() redraws now, so no line is lost at stop().
    epoch: (r) => {
      multi.log(epochLine(r, epochs) + '\n');
      multi.update();
    },
    log: (line) => {
      multi.log(line + '\n');
      multi.update();
    },
    stop: () => multi.stop(),
  };
}
