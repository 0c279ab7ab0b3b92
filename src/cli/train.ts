// `unet train SPEC --data DATA`: trains the spec's network on the tfjs backend into a run
// directory (src/app/train/run-dir.ts). Flags override the spec's train section.
import { durationFlag, numberFlag, positiveInt, workersFlag } from './flag-parsers.ts';
import { Option, type Command } from 'commander';
import { ENGINE_NAMES, type EngineRequest } from '../backends/tfjs/engines.ts';
import { runPaths } from '../app/train/run-dir.ts';
import type { TimeSpent } from '../backends/tfjs/train/clock.ts';
import { prepareSession } from '../app/train/session.ts';
import { prefetchRequest } from '../app/train/prefetch.ts';
import { compileFile } from '../node/compile-file.ts';
import { formatDiagnostics } from '../language/diagnostics.ts';
import { formatDuration, parseDuration } from '../language/spec/duration.ts';
import type { AugmentConfig, Model, TrainConfig } from '../language/ir/types.ts';
import { parseAugmentOption } from './spec-input.ts';
import { createProgress, type Progress } from './progress.ts';

interface TrainFlags {
  data: string;
  out?: string;
  epochs?: number;
  time?: number;
  batch?: number;
  lr?: number;
  engine: EngineRequest;
  seed?: number;
  valSplit?: number;
  resume?: boolean;
  init?: string;
  workers: number | 'auto';
  augment?: Partial<AugmentConfig>;
}

/** The signals that stop training cleanly, and the exit code of each (128 + its number). */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as Record<NodeJS.Signals, number>;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Where the training time went, for the end of a run (the rest of the wall time: start-up, checkpoints, progress). */
function timeSpentLine(spent: TimeSpent, preparedAhead: boolean): string {
  // Prepared ahead in worker threads (prep-pool.ts), what the steps lost to preparation is the time they waited for a batch.
  const parts = [
    `${preparedAhead ? 'waiting for batches (prepared ahead)' : 'data preparation'} ${spent.prepare.toFixed(1)} s`,
    `steps ${spent.step.toFixed(1)} s`,
    `validation ${spent.validation.toFixed(1)} s`,
    `checkpoints ${spent.checkpoint.toFixed(1)} s`,
  ];
  return `time: ${parts.join(', ')}\n`;
}

/** The spec's train section with the flags merged over it. */
function mergeFlags(train: TrainConfig, flags: TrainFlags): TrainConfig {
  return {
    ...train,
    epochs: flags.epochs ?? train.epochs,
    ...((flags.time ?? train.time) !== undefined && { time: flags.time ?? train.time }),
    batch: flags.batch ?? train.batch,
    seed: flags.seed ?? train.seed,
    valSplit: flags.valSplit ?? train.valSplit,
    optimizer: { ...train.optimizer, lr: flags.lr ?? train.optimizer.lr },
    augment: { ...train.augment, ...flags.augment },
  };
}

/** The flags a resumed run cannot take: its config.json fixes them (--epochs, --engine and --workers may change). */
const FIXED_BY_RUN: [keyof TrainFlags, string][] = [['batch', '--batch'], ['lr', '--lr'], ['seed', '--seed'], ['valSplit', '--val-split'], ['augment', '--augment']];

/** Refuses --resume with a flag that would change the run midway (a silent ignore would surprise). */
function refuseFixedFlags(flags: TrainFlags, out: string): void {
  const given = FIXED_BY_RUN.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (given.length === 0) return;
  throw new Error(
    `${given.join(', ')} cannot change a run on --resume: ${runPaths(out).config} fixes them (only --epochs, --time, --engine and --workers may change). Leave them out, or start a new run with another --out`,
  );
}

/** Compiles the spec; prints diagnostics (warnings too) and throws on errors. */
function compileSpec(path: string): Model {
  const { model, diagnostics, sources } = compileFile(path);
  if (diagnostics.length > 0) process.stderr.write(formatDiagnostics(diagnostics, sources) + '\n');
  if (!model) throw new Error(`${path}: the spec has errors (see above)`);
  return model;
}

async function train(specPath: string, flags: TrainFlags): Promise<void> {
  const compiled = compileSpec(specPath);
  const ir = { ...compiled, train: mergeFlags(compiled.train, flags) };
  const out = flags.out ?? `runs/${ir.name}`;
  if (flags.resume) refuseFixedFlags(flags, out);
  let progress: Progress | null = null;
  let preparedAhead = false;
  const session = await prepareSession({
    ir,
    specPath,
    data: flags.data,
    out,
    engine: flags.engine,
    resume: flags.resume ?? false,
    epochs: flags.epochs,
    time: flags.time,
    init: flags.init,
    workers: flags.workers,
    // UNET_PREFETCH=0 prepares batches on the main thread, =1 always in worker threads (to compare; default auto).
    prefetch: prefetchRequest(process.env.UNET_PREFETCH),
    onStaleLock: (message) => process.stderr.write(`${message}\n`),
    onStart: ({ engine, workers, prepWorkers, train: nTrain, val, steps, state, config, replaced }) => {
      preparedAhead = prepWorkers > 0;
      if (replaced) process.stdout.write(`replacing the earlier run in ${out}\n`);
      const t = config.train;
      const from = state ? `, resuming after epoch ${state.epoch}${state.step ? ` step ${state.step}` : ''}` : '';
      process.stdout.write(
        `training ${ir.name} on ${engine}${workers > 1 ? ` x${workers} data-parallel replicas` : ''}${prepWorkers > 0 ? `, batches prepared ahead by ${prepWorkers} worker thread${prepWorkers > 1 ? 's' : ''}` : ''}: ${nTrain} training and ${val} validation ${ir.dims === 3 ? 'volumes' : 'images'} of ${config.inputSize.join('x')}, ` +
          `${t.time !== undefined ? `for ${formatDuration(t.time)} in epochs of ${steps} steps` : `${t.epochs} epochs of ${steps} steps`} (batch ${t.batch}), ${t.optimizer.kind} lr ${t.optimizer.lr}, loss ${t.loss}${from}\n`,
      );
      progress = createProgress(t.time !== undefined ? null : t.epochs, steps, state ? state.epoch * steps + state.step : 0, { unit: t.crop ? 'crops/s' : 'img/s' });
    },
    onStep: (info) => progress?.step(info),
    onEpoch: (record) => progress?.epoch(record),
  });
  // Ctrl-C, and SIGTERM (timeout, docker stop, batch schedulers): finish the step, write the
  // last checkpoint, exit 128 + the signal's number (130, 143). The same signal again quits at once.
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(EXIT_CODES[signal]);
    interrupted = signal;
    progress?.log(`${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: finishing the current step and writing a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit now)`);
    session.stop();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const { stopped, budgetReached, history, spent } = await session.run();
  for (const signal of SIGNALS) process.off(signal, onSignal);
  (progress as Progress | null)?.stop();
  if (stopped) {
    process.stdout.write(`stopped: checkpoint in ${out} (last.json); continue with --resume\n`);
    process.exitCode = EXIT_CODES[interrupted ?? 'SIGINT'];
    return;
  }
  if (budgetReached) process.stdout.write(`time budget reached: checkpoint in ${out} (last.json; --resume --time T trains on to a longer budget)\n`);
  process.stdout.write(timeSpentLine(spent, preparedAhead));
  const validated = history.filter((r) => r.valDice !== null);
  const best = validated.reduce((a, b) => (b.valDice! > a.valDice! ? b : a), validated[0]);
  const seconds = history.reduce((s, r) => s + r.seconds, 0);
  process.stdout.write(
    `done: best val Dice ${best ? `${best.valDice!.toFixed(4)} (epoch ${best.epoch})` : '- (no epoch validated)'}, training ${seconds.toFixed(0)} s; run in ${out}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a spec on the tfjs backend into a run directory (checkpoints, metrics, chart)')
    .argument('<spec>', '.unet spec (or IR .json) with an optional train section')
    .requiredOption('--data <data>', "training data: 'builtin:ellipses[:N]' (2D), 'builtin:ellipsoids[:N]' (3D), or a folder (images/ + masks/, imgs/ + masks/, or TIFF stacks; for a 3D network one multi-page TIFF per volume)")
    .option('--out <dir>', 'run directory (default: runs/<model name>)')
    .option('--epochs <n>', 'epochs (overrides the spec)', positiveInt)
    .option('--time <duration>', "train for this wall time, e.g. 90s, 20m, 1h30m, instead of a number of epochs (overrides the spec's `time`); ends with a checkpoint, schedules follow the elapsed fraction", durationFlag)
    .option('--batch <n>', 'batch size (overrides the spec)', positiveInt)
    .option('--lr <x>', 'learning rate (overrides the spec)', numberFlag('a positive number', (n) => n > 0))
    .addOption(new Option('--engine <engine>', 'tfjs engine').choices(['auto', ...ENGINE_NAMES]).default('auto'))
    .option('--seed <n>', 'seed of initialisation, data split, order and augmentation', numberFlag('an integer >= 0', (n) => Number.isInteger(n) && n >= 0))
    .option('--val-split <f>', 'fraction of the data held out for validation', numberFlag('a number in (0, 1)', (n) => n > 0 && n < 1))
    .option(
      '--workers <n>',
      'data-parallel replicas, each on its own thread and engine (batch split among them; batch norm uses per-replica statistics); auto: one per core on wasm',
      workersFlag,
      1,
    )
    .option('--augment <statements>', 'augmentation in the spec language, over the spec\'s (e.g. "elastic grid 3 sigma 10; flip; rotate 15")', parseAugmentOption)
    .option('--init <run|onnx>', 'start from the weights of a run directory (its best checkpoint) or an .onnx file: fine-tuning, as a new run with a fresh optimizer')
    .option('--resume', "continue the run in --out from its last checkpoint with its own config.json and data (only --epochs, --time, --engine and --workers may change; other train flags are refused)")
    .action(async (spec: string, flags: TrainFlags) => train(spec, flags));
}
