// One `unet train` run from a compiled IR: data -> split -> normaliser -> model -> run
// directory -> training loop with checkpoints. The run directory is written only once the
// data, the engine and the model are ready, so a bad flag or a bad file leaves nothing behind.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fitNormalizer } from '../../data/normalize.ts';
import { splitDataset } from '../../data/split.ts';
import { withInputSize } from '../../language/shapes/infer.ts';
import { unsupportedIn3d } from '../../data/augment-volume.ts';
import type { Random } from '../../data/random.ts';
import type { Normalizer } from '../../data/normalize.ts';
import type { Sample, VolumeSample } from '../../data/types.ts';
import { trainingInputSize } from '../../data/input-size.ts';
import { spatialSize } from '../../data/volume.ts';
import type { Model, TrainConfig } from '../../language/ir/types.ts';
import { selectEngine, type EngineRequest } from '../../backends/tfjs/engines.ts';
import { knownGaps } from '../../backends/tfjs/gaps.ts';
import { buildModel } from '../../backends/tfjs/build.ts';
import { saveModel } from '../../backends/tfjs/io.ts';
import { loadCheckpoint, saveCheckpoint } from '../../backends/tfjs/train/checkpoint.ts';
import type { AnySample } from '../../backends/tfjs/train/batches.ts';
import { loadSamples } from '../../data/source.ts';
import type { TimeSpent } from '../../backends/tfjs/train/clock.ts';
import { TrainingLoop, type EpochRecord, type StepInfo, type TrainState } from '../../backends/tfjs/train/loop.ts';
import { DataParallel } from '../../backends/tfjs/train/parallel/data-parallel.ts';
import { preparersFor } from './preparers.ts';
import { PrepPool } from './prep-pool.ts';
import { batchCost, prepWorkers, stepCores } from './prefetch.ts';
import { assertTrainingFits } from '../../backends/tfjs/train/memory-budget.ts';
import { initWeights } from './init-weights.ts';
import { createRunDir, holdsRun, openRunDir, readRunDir, runPaths, writeHistory, type RunConfig } from './run-dir.ts';
import { checkpointDir } from '../../io/checkpoints.ts';
import { assertOutDir } from '../../io/out-dir.ts';

export interface SessionOptions {
  /** The compiled spec; its train section already has the flags merged in. */
  ir: Model;
  specPath: string;
  data: string;
  out: string;
  engine: EngineRequest;
  /** Continue the run in `out` from its last checkpoint, with its own config.json and data (--epochs and --time may change). */
  resume: boolean;
  /** --epochs as given (undefined: not given). On resume the run's own count applies without it. */
  epochs?: number;
  /** --time as given in seconds (undefined: not given). On resume the run's own budget applies without it. */
  time?: number;
  /** A run directory or .onnx file whose weights training starts from (a new run, fresh optimizer). */
  init?: string;
  /**
   * Data-parallel replicas (parallel/data-parallel.ts): the main thread and workers - 1
   * worker threads, each with its own engine. 'auto': the number of cores on the wasm
   * engine (single-threaded in Node), else 1. Default 1: everything on this thread.
   */
  workers?: number | 'auto';
  /**
   * Prepare the batches ahead of the step in worker threads (prep-pool.ts): true, false, or
   * 'auto' (default): when a batch costs at least PREFETCH_MIN_MS to prepare and the step leaves a core (prefetch.ts).
   */
  prefetch?: boolean | 'auto';
  onStart?: (info: {
    engine: string;
    /** Data-parallel replicas (1: none). */
    workers: number;
    /** Sample-preparation worker threads (0: batches prepared on the main thread). */
    prepWorkers: number;
    train: number;
    val: number;
    steps: number;
    state: TrainState | null;
    config: RunConfig;
    /** A previous run in the directory was replaced. */
    replaced: boolean;
  }) => void;
  /** Told when a dead process's lock on the run directory is taken over. */
  onStaleLock?: (message: string) => void;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord) => void;
}

/** A prepared session: call run(); stop() ends it after the current step with a checkpoint. */
export interface Session {
  /** budgetReached: the time budget (train.time) ended training, with a checkpoint; spent: where this process's time went. */
  run(): Promise<{ stopped: boolean; budgetReached?: true; history: EpochRecord[]; spent: TimeSpent }>;
  stop(): void;
}

/**
 * What unet train cannot do for a 3D network, refused before anything loads: the border
 * weight map of weighted_ce (its connected cells and distances are 2D) and elastic deformation.
 * The spec's rule `training-3d` (src/language/rules) shows the same with the spec location.
 */
function refuse3dGaps(ir: Model, specPath: string): void {
  if (ir.dims !== 3) return;
  const problems = [
    ...(ir.train.loss === 'weighted_ce' ? ['loss weighted_ce (its U-Net border weight map is 2D only): use ce, bce, dice or ce_dice'] : []),
    ...unsupportedIn3d(ir.train.augment).map((k) => `augment ${k} (2D only): remove it; 3D training has flip (every axis), rotate90, rotate and shift (in-plane) and the gray-value changes`),
  ];
  if (problems.length > 0) throw new Error(`${specPath}: ${ir.name} is 3D; unet train cannot train it with\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** A resumed run trains on its own data: another --data would change the split midway. */
function refuseOtherData(given: string, own: string, configPath: string): void {
  if (given === own || resolve(given) === resolve(own)) return;
  throw new Error(`--data ${given} is not the data of the run (${configPath}: ${own}); --resume continues on the run's own data: pass --data ${own}, or start a new run with another --out`);
}

/** The number of data-parallel replicas for a --workers request on an engine. */
export function replicaCount(request: number | 'auto', engine: string): number {
  if (request === 'auto') return engine === 'wasm' ? Math.max(1, cpus().length) : 1;
  if (!Number.isInteger(request) || request < 1) throw new Error(`workers: expected a positive integer or auto, got ${request}`);
  if (request > 1 && engine !== 'wasm' && engine !== 'cpu') {
    // tfjs-node already uses every core, and its native binding is not known to load in worker threads.
    throw new Error(`workers ${request}: data-parallel worker threads need the wasm or cpu engine, the run uses ${engine}`);
  }
  return request;
}

/**
 * Refuses to resume or replace a run of `unet import`: it has no training to continue, and
 * its weights are the point of it. Fine-tuning them is a new run.
 */
function refuseImportedRun(dir: string, config: RunConfig, action: string): void {
  if (config.data.startsWith('onnx:')) {
    throw new Error(`${dir}: holds weights imported from ${config.data.slice(5)}, which --out would ${action}; fine-tune them in a new run with --init ${dir} --out NEW`);
  }
}

/** The run in dir to resume: one this version wrote (marker) and trained on data (not `unet import`). */
async function readResumable(dir: string): Promise<{ ir: Model; config: RunConfig }> {
  const saved = await readRunDir(dir);
  refuseImportedRun(dir, saved.config, 'resume as a training');
  return saved;
}

/** A resumed run trains as saved; --epochs and --time, when given, replace the count and the budget. */
function resumedTrain(saved: TrainConfig, given: { epochs?: number; time?: number }): TrainConfig {
  const time = given.time ?? saved.time;
  const { time: _saved, ...rest } = saved;
  return { ...rest, epochs: given.epochs ?? saved.epochs, ...(time !== undefined && { time }) };
}

/** Loads everything a run needs and checks it; writes nothing yet. */
export async function prepareSession(options: SessionOptions): Promise<Session> {
  // The output-directory policy (src/io/out-dir.ts) first: a refused --out costs no loading.
  assertOutDir(options.out, 'run');
  if (options.resume && options.init !== undefined) throw new Error('--init starts a new run from weights; --resume continues one: give one of them');
  const saved = options.resume ? await readResumable(options.out) : null;
  // A fresh run replaces an earlier run in the same directory (`npm start` twice), but only
  // once everything has loaded, so a failed start leaves the earlier run intact.
  const replacing = !options.resume && holdsRun(options.out);
  if (saved) refuseOtherData(options.data, saved.config.data, runPaths(options.out).config);
  if (replacing) refuseImportedRun(options.out, (await readRunDir(options.out)).config, 'replace');
  // The run's own train section, schedule included; --epochs and --time alone may change it.
  const ir0 = saved ? { ...saved.ir, train: resumedTrain(saved.config.train, options) } : options.ir;
  refuse3dGaps(ir0, options.specPath);
  const samples: AnySample[] = await loadSamples(saved?.config.data ?? options.data, ir0);
  const train = ir0.train;
  const channels = samples[0].image.channels;
  if (channels !== ir0.input.channels) {
    throw new Error(`${options.data}: images have ${channels} channel(s), ${ir0.name} takes ${ir0.input.channels} (input ${ir0.input.channels} x ...)`);
  }
  const split = splitDataset(samples, train.valSplit, train.seed);
  if (split.train.length === 0 || split.val.length === 0) {
    throw new Error(`${options.data}: ${samples.length} samples give ${split.train.length} for training and ${split.val.length} for validation (val split ${train.valSplit})`);
  }
  const size = saved?.config.inputSize ?? trainingInputSize(train, samples);
  // Data-parallel replicas use one core each: then the main engine stays single-threaded too.
  const engine = await selectEngine(options.engine, { wasmThreads: (options.workers ?? 1) === 1 ? undefined : 1 });
  // What tfjs cannot train (src/backends/tfjs/gaps.ts) stops here, located, before anything is written.
  const gaps = knownGaps(ir0, engine.name, true);
  if (gaps.length > 0) throw new Error(`cannot train ${ir0.name} on ${engine.name}:\n${gaps.join('\n')}`);
  const workers = replicaCount(options.workers ?? 1, engine.name);
  const ir = withInputSize(ir0, size);
  assertTrainingFits({ ir, batch: train.batch, engine: engine.name, workers });
  const model = buildModel(ir0, { inputSize: size, seed: train.seed });
  if (options.init !== undefined) await initWeights(model, ir0, options.init);
  const normalizer = saved?.config.normalizer ?? fitNormalizer(train.normalize, split.train.map((s) => s.image));
  const config: RunConfig = {
    spec: options.specPath,
    data: options.data,
    engine: engine.name,
    inputSize: size,
    normalizer,
    train,
    ...(options.init === undefined ? {} : { init: options.init }),
  };
  const paths = runPaths(options.out);
  const state = saved ? await loadCheckpoint(checkpointDir(options.out, 'last'), model) : null;
  const preparers = preparersFor(ir, normalizer);
  let best = Math.max(-1, ...(state?.history ?? []).flatMap((r) => (r.valDice === null ? [] : [r.valDice])));
  // Replica 0 is `model` itself: its weights, optimizer state and batch-norm statistics are
  // the ones checkpointed and saved; the worker replicas start as copies of it (after a
  // resume, of the checkpoint).
  const parallel = workers > 1 ? new DataParallel(workers, engine.name) : undefined;
  const prepCount = prepWorkers(options.prefetch ?? 'auto', stepCores(engine.name, workers), () => batchCost(split.train, preparers.train, train.batch));
  const pool = prepCount > 0 ? new PrepPool<AnySample>({ ir, normalizer, seed: train.seed, train: split.train, workers: prepCount }) : null;
  const loop = new TrainingLoop<AnySample>(
    {
      parallel,
      model,
      config: train,
      classes: Math.max(ir.classes, 2),
      train: split.train,
      val: split.val.map(preparers.val),
      prepare: preparers.train,
      ...(pool && { source: pool }),
      onStep: options.onStep,
      onEpoch: async (record, s) => {
        // A budgeted run validates (and so checkpoints) when due (TrainingLoop.validationDue);
        // an interruption in between still ends with a checkpoint of the last step.
        if (record.valDice === null) {
          options.onEpoch?.(record);
          return;
        }
        const improved = record.valDice > best;
        // One checkpoint folder; both pointers move to it when it is the best so far.
        await saveCheckpoint(options.out, model, s, improved ? ['last', 'best'] : ['last']);
        if (improved) {
          best = record.valDice;
          await saveModel(model, paths.model);
        }
        await writeHistory(options.out, s.history);
        options.onEpoch?.(record);
      },
    },
    state ?? undefined,
  );
  try {
    await Promise.all([pool?.ready(), parallel?.start(model, train, loop.getState())]);
  } catch (error) {
    await Promise.all([parallel?.dispose(), pool?.dispose()]);
    throw error;
  }
  return {
    stop: () => loop.stop(),
    run: async () => {
      try {
        const release = openRunDir(options.out, 'train', { replace: replacing, onStale: options.onStaleLock });
        try {
          createRunDir(options.out, ir, saved ? { ...saved.config, train } : config);
          options.onStart?.({
            engine: engine.label,
            workers,
            prepWorkers: prepCount,
            train: split.train.length,
            val: split.val.length,
            steps: Math.ceil(split.train.length / train.batch),
            state,
            config,
            replaced: replacing,
          });
          const { stopped, budgetReached } = await loop.run();
          const final = await loop.readState();
          // As after Ctrl-C, the last checkpoint holds the final state, with all the time the budget counted.
          if (stopped || budgetReached) await saveCheckpoint(options.out, model, final, ['last']);
          model.dispose();
          tf.disposeVariables();
          return { stopped, ...(budgetReached && { budgetReached }), history: final.history, spent: loop.timeSpent() };
        } finally {
          release();
        }
      } finally {
        await Promise.all([parallel?.dispose(), pool?.dispose()]);
      }
    },
  };
}
