// Sample preparation in worker threads, ahead of the training step (issue 15: augmentation
// and weight maps off the step's critical path). Each worker gets the training samples once
// (transferred copies) and rebuilds the preparers from the IR and the normaliser; sample i of
// epoch e is prepared with augmentRng(seed, e, i) wherever it runs, so the batches equal those
// prepared on the main thread. The loop asks for `ahead` batches beyond the one the step needs
// (BatchQueue), so the workers prepare them while the step runs.
import { Worker } from 'node:worker_threads';
import type { Normalizer } from '../../data/normalize.ts';
import type { Model } from '../../language/ir/types.ts';
import type { SampleSource } from '../../backends/tfjs/train/batch-source.ts';
import type { AnySample, Prepared } from '../../backends/tfjs/train/batches.ts';
import { ownArrays, sampleBuffers, type FromPrep, type ToPrep } from './prep-protocol.ts';

/** Batches prepared ahead of the step by default: the next one, and one more to absorb uneven sample costs. */
export const PREP_AHEAD = 2;

/** One worker thread; requests are answered in order. */
class PrepWorker {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (m: FromPrep) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(readonly index: number) {
    // No inherited execArgv: the entry registers tsx itself.
    this.worker = new Worker(new URL('./prep-entry.js', import.meta.url), { execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (message: FromPrep) => {
      if (message.type === 'error') return this.fail(new Error(`sample-preparation worker ${index}: ${message.message}`));
      this.waiting.shift()?.resolve(message);
      // An idle worker never keeps the process alive.
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.fail(new Error(`sample-preparation worker ${index}: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`sample-preparation worker ${index}: thread exited (code ${code})`)));
  }

  /** Requests not answered yet. */
  get load(): number {
    return this.waiting.length;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
    this.worker.unref();
  }

  request<T extends FromPrep['type']>(message: ToPrep, expect: T, transfer: ArrayBuffer[] = []): Promise<Extract<FromPrep, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker.ref();
    const answer = new Promise<FromPrep>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(message, transfer);
    return answer.then((m) => {
      if (m.type !== expect) throw new Error(`sample-preparation worker ${this.index}: expected '${expect}', got '${m.type}'`);
      return m as Extract<FromPrep, { type: T }>;
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error(`sample-preparation worker ${this.index}: stopped`);
    await this.worker.terminate();
  }
}

export interface PrepPoolOptions<S extends AnySample> {
  /** The IR at the training input size, and the run's normaliser: what the preparers are built from. */
  ir: Model;
  normalizer: Normalizer;
  /** The seed of the augmentation generators (train.seed). */
  seed: number;
  train: S[];
  /** Worker threads (at least 1). */
  workers: number;
  /** Batches to prepare beyond the one the step needs (default PREP_AHEAD). */
  ahead?: number;
}

/**
 * A SampleSource on worker threads. The threads start at construction and take requests at
 * once (they answer in order, after their start-up); ready() resolves once all have started,
 * and fails with the first one that could not. dispose() ends them (also after a failure).
 */
export class PrepPool<S extends AnySample = AnySample> implements SampleSource<S> {
  readonly ahead: number;
  private workers: PrepWorker[];
  private readonly started: Promise<unknown>;

  constructor(options: PrepPoolOptions<S>) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error(`sample preparation needs at least 1 worker thread, got ${options.workers}`);
    this.ahead = options.ahead ?? PREP_AHEAD;
    this.workers = Array.from({ length: options.workers }, (_, i) => new PrepWorker(i));
    this.started = Promise.all(
      this.workers.map((w) => {
        const train = options.train.map((s) => ownArrays(s as AnySample));
        const message: ToPrep = { type: 'init', ir: options.ir, normalizer: options.normalizer, seed: options.seed, train };
        return w.request(message, 'ready', train.flatMap(sampleBuffers));
      }),
    );
    // Seen by ready() or by the first prepare(); never an unhandled rejection.
    this.started.catch(() => undefined);
  }

  async ready(): Promise<void> {
    await this.started;
  }

  /** Each sample to the least busy worker (the first of equals), so a batch spreads over the pool. */
  prepare(epoch: number, indices: number[]): Promise<Prepared<S>[]> {
    if (this.workers.length === 0) return Promise.reject(new Error('sample-preparation workers ended'));
    return Promise.all(
      indices.map(async (index) => {
        const worker = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
        const answer = await worker.request({ type: 'prepare', epoch, index }, 'prepared');
        return answer.sample as Prepared<S>;
      }),
    );
  }

  /** Ends the worker threads; requests still open fail (BatchQueue.clear ignores them). */
  async dispose(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
