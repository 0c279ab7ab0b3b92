// Where the training loop's batches come from. Sample i of epoch e is always prepared with
// the generator fork(`augment/${e}/${i}`) of the seed, wherever it is prepared, so a batch
// prepared ahead (in a worker thread while the step runs: src/app/train/prep-pool.ts) equals
// the one prepared on demand, and a resumed run sees exactly the batches of a straight one.
// Browser-safe: the page prepares on its own thread (synchronousSource).
import type { Random } from '../../../data/random.ts';
import type { TrainConfig } from '../../../language/ir/types.ts';
import { chunks, epochOrder, type AnySample, type Prepared } from './batches.ts';
import { augmentRng } from './prepare.ts';

/** Prepares the training samples of one batch, here or elsewhere. */
export interface SampleSource<S extends AnySample = AnySample> {
  /** Training samples `indices` of `epoch`, each with its generator fork(`augment/${epoch}/${index}`) of the seed. */
  prepare(epoch: number, indices: number[]): Promise<Prepared<S>[]>;
  /** Batches to ask for beyond the one the next step needs (0: only on demand). */
  readonly ahead: number;
}

/** Prepares on this thread when asked (the page; wherever no worker is available). */
export function synchronousSource<S extends AnySample>(train: S[], prepare: (sample: S, rng: Random) => Prepared<S>, seed: number): SampleSource<S> {
  return {
    ahead: 0,
    prepare: async (epoch, indices) => indices.map((i) => prepare(train[i], augmentRng(seed, epoch, i))),
  };
}

/** A step of training: batch `step` of epoch `epoch`. */
interface Position {
  epoch: number;
  step: number;
}

/**
 * The batches of a training run in order, asked of a source `ahead` batches early (across
 * epoch ends: on small data sets an epoch is a few steps). Nothing is asked for beyond the
 * last epoch of a run without a time budget.
 */
export class BatchQueue<S extends AnySample = AnySample> {
  private readonly pending = new Map<string, Promise<Prepared<S>[]>>();
  /** The batches of the epoch asked for last (the shuffle is the same every time). */
  private order: { epoch: number; groups: number[][] } | null = null;

  constructor(
    private readonly source: SampleSource<S>,
    private readonly count: number,
    private readonly config: Pick<TrainConfig, 'batch' | 'seed' | 'epochs' | 'time'>,
  ) {}

  /** Steps in an epoch. */
  get steps(): number {
    return Math.ceil(this.count / this.config.batch);
  }

  /** The training-set indices of batch `step` of `epoch`: the epoch's shuffle, in chunks of the batch size. */
  group(epoch: number, step: number): number[] {
    if (this.order?.epoch !== epoch) this.order = { epoch, groups: chunks(epochOrder(this.count, this.config.seed, epoch), this.config.batch) };
    return this.order.groups[step];
  }

  /** Prepared samples of batch `step` of `epoch`, after asking the source for the next `ahead` batches too. */
  next(epoch: number, step: number): Promise<Prepared<S>[]> {
    let at: Position | null = { epoch, step };
    for (let k = 0; k <= this.source.ahead && at !== null; k++, at = this.after(at)) this.request(at);
    const key = `${epoch}/${step}`;
    const batch = this.pending.get(key)!;
    this.pending.delete(key);
    return batch;
  }

  /** Forgets the batches asked for and not taken (a stop, the budget's end); their late failures are ignored. */
  clear(): void {
    for (const batch of this.pending.values()) batch.catch(() => undefined);
    this.pending.clear();
  }

  private request({ epoch, step }: Position): void {
    const key = `${epoch}/${step}`;
    if (!this.pending.has(key)) this.pending.set(key, this.source.prepare(epoch, this.group(epoch, step)));
  }

  /** The position after `at`; null past the last epoch of a run without a budget. */
  private after({ epoch, step }: Position): Position | null {
    if (step + 1 < this.steps) return { epoch, step: step + 1 };
    const budgeted = this.config.time !== undefined && this.config.time !== null;
    return budgeted || epoch + 1 < this.config.epochs ? { epoch: epoch + 1, step: 0 } : null;
  }
}
