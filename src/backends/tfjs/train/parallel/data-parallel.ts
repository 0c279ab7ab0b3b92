// Data-parallel training on worker threads, as PyTorch's DistributedDataParallel does it
// across processes. tfjs keeps the wasm engine single-threaded in Node (docs/facts.md#engines),
// so a step uses one core per engine; N replicas, each with its own engine, use N cores:
//
// - Replica 0 is the main thread's model and TrainingLoop; replicas 1..N-1 run in worker
//   threads (replica.ts), each with its own tfjs engine, a copy of the model (topology
//   and every weight copied from replica 0 at start, so resumed runs start every replica
//   from the checkpoint) and its own optimizer state (copied likewise).
// - A step splits the batch along its first axis into N contiguous shards (sizes differ
//   by at most one; a batch smaller than N leaves some replicas without a shard). Each
//   replica computes the loss and gradients of its shard with TrainingLoop.gradients.
// - The main thread averages the gradients in shard order, each weighted by its shard's
//   share of the batch (for losses that are means over pixels this is exactly the
//   gradient of the whole batch's loss; soft Dice is a ratio over the batch, so there
//   it is the mean of the shards' Dice gradients). Fixed order, so runs are deterministic.
// - Every replica applies the same averaged gradients with TrainingLoop.update (clipping
//   included): the trainable weights stay identical without any broadcast.
// - Batch norm normalises each shard with its own statistics (DDP without SyncBN), and
//   each replica updates its own moving statistics from its shard. Those of replica 0
//   are the ones validation uses and checkpoints and saved models keep.
// - Dropout: shard k of a step draws its layers' seeds from fork(`shard/k`) of the step's
//   dropout generator, so masks are derived, not shared.
//
// Gradients, shards and updates travel as transferable typed arrays.
import { Worker } from 'node:worker_threads';
import type { Random } from '../../../../data/random.ts';
import { Random as Rng } from '../../../../data/random.ts';
import type { TrainConfig } from '../../../../language/ir/types.ts';
import { tf, type EngineName } from '../../engines.ts';
import type { Batch } from '../batches.ts';
import type { ParallelStep, StepLoop, TrainState } from '../loop.ts';
import { averageGradients } from './average.ts';
import type { FromReplica, Shard, ToReplica } from './protocol.ts';

/** Shard sizes of a batch of n over `count` replicas: contiguous, differing by at most one. */
export function shardSizes(n: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.floor(n / count) + (k < n % count ? 1 : 0));
}

/** A worker thread holding one replica; requests are answered in order. */
class RemoteReplica {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (m: FromReplica) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(readonly index: number) {
    // No inherited execArgv: the entry registers tsx itself.
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { execArgv: [] });
    this.worker.on('message', (message: FromReplica) => {
      if (message.type === 'error') return this.fail(new Error(`replica ${index}: ${message.message}`));
      this.waiting.shift()?.resolve(message);
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.fail(new Error(`replica ${index}: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`replica ${index}: worker thread exited (code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
    this.worker.unref();
  }

  /** Posts a message; no answer expected (an error still fails the next request). */
  send(message: ToReplica, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }

  /** Posts a message and resolves with its answer. */
  request<T extends FromReplica['type']>(message: ToReplica, expect: T, transfer: ArrayBuffer[] = []): Promise<Extract<FromReplica, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker.ref();
    const answer = new Promise<FromReplica>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(message, transfer);
    return answer.then((m) => {
      if (m.type !== expect) throw new Error(`replica ${this.index}: expected '${expect}', got '${m.type}'`);
      return m as Extract<FromReplica, { type: T }>;
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error(`replica ${this.index}: stopped`);
    await this.worker.terminate();
  }
}

function buffers(arrays: (Float32Array | Int32Array | null)[]): ArrayBuffer[] {
  return arrays.filter((a): a is Float32Array | Int32Array => a !== null).map((a) => a.buffer as ArrayBuffer);
}

/**
 * N-replica data-parallel steps for TrainingLoop (its `parallel` option). start() before
 * the first step; dispose() to end the worker threads (idle workers never keep the
 * process alive).
 */
export class DataParallel implements ParallelStep {
  private remotes: RemoteReplica[] = [];

  /** `replicas` >= 2: the main thread and replicas - 1 worker threads, all on `engine`. */
  constructor(
    readonly replicas: number,
    private readonly engine: EngineName,
  ) {
    if (!Number.isInteger(replicas) || replicas < 2) throw new Error(`data-parallel training needs at least 2 replicas, got ${replicas}`);
  }

  /** Starts the worker replicas as copies of replica 0: the model's weights and the loop's state (optimizer slots). */
  async start(model: tf.LayersModel, config: TrainConfig, state: TrainState): Promise<void> {
    if (this.remotes.length > 0) throw new Error('data-parallel replicas already started');
    const topology = model.toJSON(null, false) as object;
    this.remotes = Array.from({ length: this.replicas - 1 }, (_, i) => new RemoteReplica(i + 1));
    try {
      await Promise.all(
        this.remotes.map((r) => {
          const weights = model.weights.map((w) => new Float32Array(w.read().dataSync() as Float32Array));
          return r.request({ type: 'init', engine: this.engine, topology, weights, config, state }, 'ready', buffers(weights));
        }),
      );
    } catch (error) {
      await this.dispose();
      throw error;
    }
  }

  /** One step (TrainingLoop's ParallelStep): shard, gradients everywhere, average, update everywhere; returns the batch loss. */
  async step(loop: StepLoop, batch: Batch, lr: number, dropout: Random): Promise<number> {
    if (this.remotes.length !== this.replicas - 1) throw new Error('data-parallel replicas not started');
    const n = batch.size;
    const sizes = shardSizes(n, this.replicas);
    const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
    const seeds = sizes.map((_, k) => dropout.fork(`shard/${k}`).nextUint32());
    // Values per sample: images [N, H, W, C] and volumes [N, D, H, W, C] alike.
    const [, ...xSample] = batch.x.shape;
    const [, ...labelSample] = batch.labels.shape;
    const xLen = xSample.reduce((a, b) => a * b, 1);
    const labelLen = labelSample.reduce((a, b) => a * b, 1);
    const x = batch.x.dataSync() as Float32Array;
    // Class indices: int32 from toBatch (a float32 label tensor is converted).
    const labels = batch.labels.dtype === 'int32' ? (batch.labels.dataSync() as Int32Array) : Int32Array.from(batch.labels.dataSync());
    const weights = (batch.weights?.dataSync() as Float32Array | undefined) ?? null;

    // Send the worker shards first, so they compute while this thread does shard 0.
    const answers = this.remotes.map((remote, i) => {
      const k = i + 1;
      if (sizes[k] === 0) return null;
      const [a, b] = [starts[k], starts[k] + sizes[k]];
      const shard: Shard = {
        x: x.slice(a * xLen, b * xLen),
        xShape: [sizes[k], ...xSample],
        labels: labels.slice(a * labelLen, b * labelLen),
        labelsShape: [sizes[k], ...labelSample],
        weights: weights ? weights.slice(a * labelLen, b * labelLen) : null,
        dropoutSeed: seeds[k],
      };
      return remote.request({ type: 'gradients', shard }, 'gradients', buffers([shard.x, shard.labels, shard.weights]));
    });

    loop.seedDropout(new Rng(seeds[0]));
    const local = tf.tidy(() =>
      loop.gradients(
        tf.slice(batch.x, 0, sizes[0]),
        tf.slice(batch.labels, 0, sizes[0]),
        batch.weights ? tf.slice(batch.weights, 0, sizes[0]) : null,
      ),
    );
    const shapes = local.grads.map((g) => g.shape);
    const parts = [{ size: sizes[0], loss: local.loss.dataSync()[0], grads: local.grads.map((g) => g.dataSync() as Float32Array) }];
    tf.dispose([local.loss, ...local.grads]);
    let remoteError: unknown = null;
    for (const [i, answer] of answers.entries()) {
      if (answer === null) continue;
      try {
        const { loss, grads } = await answer;
        parts.push({ size: sizes[i + 1], loss, grads });
      } catch (error) {
        remoteError ??= error;
      }
    }
    if (remoteError !== null) throw remoteError;

    // Weighted average in shard order (float64 accumulation, one rounding to float32).
    const averaged = averageGradients(parts.map((p) => p.grads), parts.map((p) => p.size / n));
    for (const remote of this.remotes) {
      const copy = averaged.flat.slice();
      remote.send({ type: 'update', grads: copy, lr }, [copy.buffer]);
    }
    const tensors = averaged.views.map((a, v) => tf.tensor(a, shapes[v]));
    loop.update(tensors, lr);
    tf.dispose(tensors);
    return parts.reduce((s, p) => s + (p.size / n) * p.loss, 0);
  }

  /** Every weight of replica k (model.weights order); for checks that replicas agree. */
  async weightsOf(k: number): Promise<Float32Array[]> {
    const remote = this.remotes[k - 1];
    if (!remote) throw new Error(`no worker replica ${k}`);
    return (await remote.request({ type: 'weights' }, 'weights')).weights;
  }

  /** Ends the worker threads. */
  async dispose(): Promise<void> {
    const remotes = this.remotes;
    this.remotes = [];
    await Promise.all(remotes.map((r) => r.terminate()));
  }
}
