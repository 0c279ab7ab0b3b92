// The training loop. tfjs `fit` cannot take per-pixel sample weights (docs/facts.md#tfjs-limits), so each
// step is tf.variableGrads over model.apply(x, {training: true}): dropout is active and
// batch norm normalises with batch statistics and updates its moving statistics (tfjs-layers
// BatchNormalization.call writes them when training is true).
//
// Everything random is derived from (seed, epoch, step or sample index), never from a
// running generator, so the state to resume exactly is just the position and the
// optimizer and schedule state.
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../../data/random.ts';
import type { Sample } from '../../../data/types.ts';
import type { TrainConfig } from '../../../language/ir/types.ts';
import { disposeBatch, toBatch, type AnySample, type Batch, type Prepared } from './batches.ts';
import { BatchQueue, synchronousSource, type SampleSource } from './batch-source.ts';
import { TrainClock, type TimeSpent } from './clock.ts';
import { evaluate } from './evaluate.ts';
import { lossFunction, type LossFn } from './losses.ts';
import { clipByGlobalNorm, makeOptimizer, type Optimizer, type OptimizerState } from './optimizers.ts';
import { Schedule, type ScheduleState } from './schedules.ts';

/** Steps the GPU may run ahead of the loss readings (webgpu only; see runEpoch). */
export const READ_LAG = 2;

/**
 * The share of a budgeted run's time that validation and checkpoints may take (validationDue):
 * 2 % of a 20-minute budget still validates ISBI 2012 training about once a minute.
 */
export const EPOCH_END_SHARE = 0.02;

/** One line of metrics.jsonl. */
export interface EpochRecord {
  epoch: number;
  lr: number;
  loss: number;
  /** Validation figures; null for an epoch a budgeted run did not validate (validationDue). */
  valLoss: number | null;
  valDice: number | null;
  valIoU: number | null;
  seconds: number;
  imagesPerSecond: number;
}

/** Where training stands: with the model's weights, all a checkpoint needs. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Steps completed in the current epoch (non-zero only after a stop). */
  step: number;
  /** Sum of step losses times batch sizes and images seen in the current epoch so far. */
  lossSum: number;
  seen: number;
  /** Seconds spent in the current epoch so far. */
  seconds: number;
  optimizer: OptimizerState;
  schedule: ScheduleState;
  history: EpochRecord[];
  /** Wall seconds trained so far, for a time budget (absent in checkpoints from before budgets: 0). */
  elapsed?: number;
}

/** How an epoch ended: complete, stop() called, or the time budget spent (validated and checkpointed like a complete one). */
type EpochEnd = 'done' | 'stopped' | 'budget';

export interface StepInfo {
  epoch: number;
  step: number;
  steps: number;
  /** Mean loss of the epoch so far. */
  loss: number;
  imagesPerSecond: number;
}

/** Options of a loop over training samples S: images (Sample) or volumes (VolumeSample). */
export interface LoopOptions<S extends AnySample = Sample> {
  model: tf.LayersModel;
  config: TrainConfig;
  classes: number;
  train: S[];
  /** Validation samples already at the network's sizes. */
  val: Prepared<S>[];
  /** Crop, augment and weight-map one training sample; rng is seeded by (seed, epoch, index). */
  prepare: (sample: S, rng: Random) => Prepared<S>;
  /**
   * Prepares the training samples elsewhere and ahead of the step (worker threads in Node:
   * src/app/train/prep-pool.ts); default: `prepare` on this thread, on demand. Either way
   * sample i of epoch e uses the generator fork(`augment/${e}/${i}`), so the batches are the same.
   */
  source?: SampleSource<S>;
  onStep?: (info: StepInfo) => void;
  /** Called after each epoch's validation, e.g. to write checkpoints. */
  onEpoch?: (record: EpochRecord, state: TrainState) => Promise<void>;
  /** Data-parallel training over worker threads (parallel/data-parallel.ts); none: step() on this thread. */
  parallel?: ParallelStep;
  /** Steps submitted before the oldest loss must have been read; default READ_LAG on webgpu, 0 elsewhere. */
  readLag?: number;
  /** The share of a budgeted run's time validation and checkpoints may take; default EPOCH_END_SHARE. */
  epochEndShare?: number;
}

/**
 * One data-parallel step in place of step(): this loop's model is replica 0, the step
 * shards the batch, averages the replicas' gradients and updates every replica. `dropout`
 * is the step's generator (the one seedDropout gets on the single-thread path).
 */
export interface ParallelStep {
  step(loop: StepLoop, batch: Batch, lr: number, dropout: Random): Promise<number>;
}

/** What a data-parallel step uses of a loop (the same for image and volume loops). */
export type StepLoop = Pick<TrainingLoop<AnySample>, 'gradients' | 'update' | 'seedDropout'>;

/** Resolves after pending events ran: setImmediate in Node, a zero timeout in a browser (which has no setImmediate). */
const yieldToEvents = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Dropout layers of a model; tfjs Dropout with a fixed seed draws the same mask every call. */
function dropoutLayers(model: tf.LayersModel): { seed?: number }[] {
  return model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as { seed?: number }[];
}

/** The state before the first step: epoch 0, the optimizer's and schedule's initial state. */
function startState(optimizer: { getState(): OptimizerState }, schedule: Schedule): TrainState {
  return { epoch: 0, step: 0, lossSum: 0, seen: 0, seconds: 0, optimizer: optimizer.getState(), schedule: schedule.getState(), history: [] };
}

/** The state of a loop that has not trained yet: what `unet import` checkpoints with its weights. */
export function initialState(model: tf.LayersModel, config: TrainConfig): TrainState {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return startState(makeOptimizer(config.optimizer, variables), new Schedule(config.schedule, config.optimizer.lr, config.epochs));
}

export class TrainingLoop<S extends AnySample = Sample> {
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  private readonly loss: LossFn;
  private readonly variables: tf.Variable[];
  private readonly dropouts: { seed?: number }[];
  private state: TrainState;
  private stopRequested = false;
  private readonly clock: TrainClock;
  private readonly batches: BatchQueue<S>;

  constructor(private readonly options: LoopOptions<S>, resume?: TrainState) {
    const { model, config } = options;
    this.batches = new BatchQueue(options.source ?? synchronousSource(options.train, options.prepare, config.seed), options.train.length, config);
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.optimizer = makeOptimizer(config.optimizer, this.variables);
    this.schedule = new Schedule(config.schedule, config.optimizer.lr, config.epochs);
    this.loss = lossFunction(config.loss);
    this.dropouts = dropoutLayers(model);
    this.state = startState(this.optimizer, this.schedule);
    if (resume) {
      this.optimizer.setState(resume.optimizer);
      this.schedule.setState(resume.schedule);
      this.state = structuredClone(resume);
    }
    this.clock = new TrainClock(config.time ?? null, resume?.elapsed ?? 0);
  }

  /** Where this process's training time went so far. */
  timeSpent(): TimeSpent {
    return { ...this.clock.spent };
  }

  /** Asks the loop to stop after the current step (SIGINT); run() then resolves with stopped = true. */
  stop(): void {
    this.stopRequested = true;
  }

  /** The current position with the optimizer and schedule state (weights are in the model). */
  getState(): TrainState {
    return { ...this.state, optimizer: this.optimizer.getState(), schedule: this.schedule.getState(), elapsed: this.clock.elapsed() };
  }

  /**
   * getState() once the optimizer slots have been read asynchronously: the webgpu engine
   * cannot read a tensor synchronously in Node, but keeps what was read, so the
   * synchronous reads of getState then succeed (on the CPU engines it changes nothing).
   */
  async readState(): Promise<TrainState> {
    await Promise.all(this.optimizer.slotTensors().map((t) => t.data()));
    return this.getState();
  }

  /**
   * Trains until config.epochs epochs are done, or with a time budget (config.time) until it
   * is spent, whatever the epochs; or until stop() is called.
   */
  async run(): Promise<{ stopped: boolean; budgetReached?: true }> {
    try {
      return await this.runEpochs();
    } finally {
      // Batches prepared ahead for steps that will not run.
      this.batches.clear();
    }
  }

  private async runEpochs(): Promise<{ stopped: boolean; budgetReached?: true }> {
    const { config } = this.options;
    while (this.clock.budget !== null || this.state.epoch < config.epochs) {
      // A budget spent at an epoch's end: that epoch was the last, validated and checkpointed.
      if (this.clock.budgetSpent() && this.state.step === 0) return { stopped: false, budgetReached: true };
      const end = await this.runEpoch();
      if (end === 'stopped') return { stopped: true };
      if (end === 'budget') return { stopped: false, budgetReached: true };
    }
    return { stopped: false };
  }

  /** The rate of the next step: by epoch, or by the elapsed fraction of a time budget. */
  private rate(epoch: number): number {
    return this.clock.budget === null ? this.schedule.lr(epoch) : this.schedule.lrAt(this.clock.fraction());
  }

  /**
   * Runs (the rest of) one epoch: 'stopped' when stopped before its end; when the time budget
   * is spent, the epoch ends early (validated and checkpointed as any) with 'budget'.
   */
  private async runEpoch(): Promise<EpochEnd> {
    const { config, onStep, onEpoch, model, val, classes } = this.options;
    const epoch = this.state.epoch;
    let lr = this.rate(epoch);
    const steps = this.batches.steps;
    const root = new Random(config.seed);
    // On webgpu the loop waits for a loss only when READ_LAG newer steps are queued, so the
    // GPU has work instead of idling while the CPU waits for a readback; the CPU engines
    // read at once, as before. The numbers are the same either way: losses are summed in
    // step order (readbacks complete in submission order).
    const lag = this.options.readLag ?? (tf.getBackend() === 'webgpu' ? READ_LAG : 0);
    const inFlight: Promise<void>[] = [];
    const drain = async (keep: number) => {
      while (inFlight.length > keep) await inFlight.shift();
    };
    let lastRead = 0;
    while (this.state.step < steps) {
      if (this.stopRequested) {
        await drain(0);
        return 'stopped';
      }
      if (this.clock.budgetSpent()) break;
      lr = this.rate(epoch);
      const started = performance.now();
      // With a source that prepares ahead, 'prepare' is the time this step waited for its batch.
      const batch = await this.clock.measure('prepare', async () => toBatch(await this.batches.next(epoch, this.state.step)));
      const size = batch.size;
      const dropout = root.fork(`dropout/${epoch}/${this.state.step}`);
      // Wrapped, so that measuring the step does not wait for its (lagged) loss readback.
      const { loss } = await this.clock.measure('step', async () => {
        if (this.options.parallel) return { loss: Promise.resolve(await this.options.parallel.step(this, batch, lr, dropout)) };
        this.seedDropout(dropout);
        return { loss: this.step(batch.x, batch.labels, batch.weights, lr) };
      });
      disposeBatch(batch);
      this.state.step += 1;
      const step = this.state.step;
      inFlight.push(
        loss.then((value) => {
          const now = performance.now();
          this.state.lossSum += value * size;
          this.state.seen += size;
          this.state.seconds += (now - Math.max(started, lastRead)) / 1000;
          lastRead = now;
          onStep?.({
            epoch,
            step,
            steps,
            loss: this.state.lossSum / this.state.seen,
            imagesPerSecond: this.state.seen / this.state.seconds,
          });
        }),
      );
      await this.clock.measure('step', () => drain(lag));
      // Let signal handlers and progress output (a page: its repaint and buttons) run between steps.
      await yieldToEvents();
    }
    await this.clock.measure('step', () => drain(0));
    const validation = this.validationDue() ? await this.clock.measure('validation', () => evaluate(model, val, this.loss, config.batch, classes)) : null;
    if (validation) this.schedule.endEpoch(validation.dice);
    const record: EpochRecord = {
      epoch: epoch + 1,
      lr,
      loss: this.state.lossSum / this.state.seen,
      valLoss: validation?.loss ?? null,
      valDice: validation?.dice ?? null,
      valIoU: validation?.iou ?? null,
      seconds: this.state.seconds,
      imagesPerSecond: this.state.seen / this.state.seconds,
    };
    this.state = { ...this.state, epoch: epoch + 1, step: 0, lossSum: 0, seen: 0, seconds: 0 };
    this.state.history = [...this.state.history, record];
    await this.clock.measure('checkpoint', async () => onEpoch?.(record, await this.readState()));
    return this.clock.budgetSpent() ? 'budget' : 'done';
  }

  /**
   * Whether this epoch ends with validation (and, in `unet train`, a checkpoint): always,
   * unless training for a time budget. A budgeted run validates its first and its last
   * epoch, and in between only while validation and checkpoints have taken at most
   * EPOCH_END_SHARE of its time: with short epochs (ISBI 2012: 16 crops, a few seconds)
   * validating every epoch would spend an eighth of the budget on it.
   */
  private validationDue(): boolean {
    if (this.clock.budget === null || this.clock.budgetSpent() || this.state.history.length === 0) return true;
    return this.clock.epochEndShare() <= (this.options.epochEndShare ?? EPOCH_END_SHARE);
  }

  /** A fresh seed per step for every dropout layer, drawn from the step's own generator. */
  seedDropout(rng: Random): void {
    for (const layer of this.dropouts) layer.seed = rng.nextUint32();
  }

  /**
   * One optimisation step on one batch; resolves to the loss. (Public for the benches.)
   * The loss is read with data(), started here and not awaited: the webgpu engine has no
   * synchronous read in Node, and the caller decides how long the GPU may run ahead.
   */
  step(x: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor | null, lr: number): Promise<number> {
    const { loss, grads } = this.gradients(x, labels, weights);
    this.update(grads, lr);
    tf.dispose(grads);
    return loss.data().then((value) => {
      loss.dispose();
      return value[0];
    });
  }

  /**
   * The loss on a batch and its gradients, one per trainable weight in order (the caller
   * disposes them). Batch norm uses the batch's statistics and updates its moving ones.
   */
  gradients(x: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor | null): { loss: tf.Scalar; grads: tf.Tensor[] } {
    const { model } = this.options;
    const { value, grads } = tf.variableGrads(
      () => this.loss(model.apply(x, { training: true }) as tf.Tensor, labels, weights ?? undefined),
      this.variables,
    );
    return { loss: value, grads: this.variables.map((v) => grads[v.name]) };
  }

  /** Clips the gradients (train.clip) and applies one optimizer update; `grads` stay the caller's. */
  update(grads: tf.Tensor[], lr: number): void {
    const { config } = this.options;
    if (config.clip === null) {
      this.optimizer.apply(grads, lr);
      return;
    }
    const clipped = clipByGlobalNorm(grads, config.clip);
    this.optimizer.apply(clipped, lr);
    tf.dispose(clipped);
  }
}
