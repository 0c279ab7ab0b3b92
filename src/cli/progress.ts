// Training progress on the terminal: a live bar (cli-progress) with loss, images/s and ETA
// when stdout is a TTY; otherwise (logs, CI, pipes) one plain line per epoch, and a step line
// when an epoch runs long, so a log of slow training (a big net, a software GPU) still moves.
import cliProgress from 'cli-progress';
import type { EpochRecord, StepInfo } from '../backends/tfjs/train/loop.ts';

export interface Progress {
  step(info: StepInfo): void;
  epoch(record: EpochRecord): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/** How the display reads: training samples per second are crops when training on crops. */
export interface ProgressOptions {
  unit?: 'img/s' | 'crops/s';
  /** Without a TTY: the seconds after the last line that a step line waits (default PLAIN_STEP_INTERVAL_S). */
  stepInterval?: number;
  /** Milliseconds now (tests fake it); default performance.now. */
  now?: () => number;
}

/** Without a TTY, a step line after this many seconds without output. */
export const PLAIN_STEP_INTERVAL_S = 30;

/** The line of a step within an epoch, for logs: where it is and how it goes. */
export function stepLine(info: StepInfo, epochs: number | null, unit: ProgressOptions['unit'] = 'img/s'): string {
  return `epoch ${info.epoch + 1}${epochs === null ? '' : `/${epochs}`}  step ${info.step}/${info.steps}  loss ${info.loss.toFixed(4)}  ${info.imagesPerSecond.toFixed(1)} ${unit}`;
}

/** The per-epoch summary line, the same with and without a TTY; epochs null: training for a time budget. */
export function epochLine(record: EpochRecord, epochs: number | null, unit: ProgressOptions['unit'] = 'img/s'): string {
  return (
    `epoch ${record.epoch}${epochs === null ? '' : `/${epochs}`}  loss ${record.loss.toFixed(4)}  ` +
    (record.valDice === null
      ? '(not validated: a budgeted run validates when due)  '
      : `val loss ${record.valLoss!.toFixed(4)}  val Dice ${record.valDice.toFixed(4)}  val IoU ${record.valIoU!.toFixed(4)}  `) +
    `lr ${record.lr.toPrecision(3)}  ` +
    `${record.imagesPerSecond.toFixed(1)} ${unit}  ${record.seconds.toFixed(1)} s`
  );
}

/**
 * A progress display for `epochs` epochs of `steps` steps, starting after `done` steps; with
 * epochs null (a time budget) the bar shows the current epoch.
 */
export function createProgress(epochs: number | null, steps: number, done: number, options: ProgressOptions = {}, stream: NodeJS.WriteStream = process.stdout): Progress {
  const unit = options.unit ?? 'img/s';
  if (!stream.isTTY) {
    const now = options.now ?? (() => performance.now());
    const interval = (options.stepInterval ?? PLAIN_STEP_INTERVAL_S) * 1000;
    let last = now();
    const write = (line: string) => {
      stream.write(line + '\n');
      last = now();
    };
    return {
      // The last step of an epoch is followed by the epoch's own line.
      step: (info) => {
        if (info.step < info.steps && now() - last >= interval) write(stepLine(info, epochs, unit));
      },
      epoch: (r) => write(epochLine(r, epochs, unit)),
      log: write,
      stop: () => {},
    };
  }
  const total = epochs === null ? steps : epochs * steps;
  const position = (epoch: number, step: number) => (epochs === null ? step : epoch * steps + step);
  const multi = new cliProgress.MultiBar(
    {
      format: `epoch {epoch}${epochs === null ? '' : '/{epochs}'} [{bar}] {percentage}% | loss {loss} | {ips} ${unit}${epochs === null ? '' : ' | ETA {eta_formatted}'}`,
      hideCursor: true,
      clearOnComplete: true,
      // The ETA averages over the last steps, so the pause for validation does not swing it.
      etaBuffer: Math.max(10, steps),
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, epochs === null ? done % steps : done, { epoch: 1, epochs, loss: '-', ips: '-' });
  return {
    step: (info) =>
      bar.update(position(info.epoch, info.step), {
        epoch: info.epoch + 1,
        loss: info.loss.toFixed(4),
        ips: info.imagesPerSecond.toFixed(1),
      }),
    // MultiBar.log buffers until the next redraw; update() redraws now, so no line is lost at stop().
    epoch: (r) => {
      multi.log(epochLine(r, epochs, unit) + '\n');
      multi.update();
    },
    log: (line) => {
      multi.log(line + '\n');
      multi.update();
    },
    stop: () => multi.stop(),
  };
}
