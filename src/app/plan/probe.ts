// The throughput probe of `unet plan`: real training steps of candidate networks on this
// machine, with the engine and data-parallel workers training would use, within a bounded
// probe time. The timer is injectable (StepTimer), so the rules can be tested with fake,
// deterministic timings; engineStepTimer is the real one.
import { cpus, loadavg } from 'node:os';
import type { EngineRequest } from '../../backends/tfjs/engines.ts';
import type { LossKind } from '../../language/ir/types.ts';
import { withInputSize } from '../../language/shapes/infer.ts';
import { Random } from '../../data/random.ts';
import type { Candidate } from './plan.ts';
import type { Timed } from './rules.ts';
import { candidateModel } from './write.ts';

/** Seconds one training step of a candidate takes (after its warm-up). */
export type StepTimer = (candidate: Candidate) => Promise<number>;

/** A timer, the engine's name for the progress lines, and the replicas each step is split over. */
export interface EngineTimer {
  time: StepTimer;
  label: string;
  workers: number;
  /** What else ran on the machine when the probe started (its timings are only as good as that). */
  load?: string;
}

/** Steps timed per candidate after the warm-up: at least this many, or one second's worth. */
const TIMED_STEPS = 2;
const TIMED_SECONDS = 1;

/**
 * Times the candidates that matter, within the probe time. At one width (base filters) a
 * step costs about the same per FLOP at every window (the batch keeps the pixels a step
 * about equal), so: first the cheapest window of each width, narrowest first, while probe
 * time is left and until a width is over `allowedSeconds` a step (wider ones would be too);
 * then the candidate the planner would choose (`choose`), measured if it was only
 * estimated, while its 1 + TIMED_STEPS steps (estimated from its width) fit the time left.
 * Unmeasured candidates get the step time of a measured one of their width (else the
 * nearest by FLOPs) scaled by their FLOP ratio. Across widths FLOPs overstate the cost
 * (narrow nets use a core less well), so the width walk does not skip on such estimates:
 * its last measurement may overrun the probe time by one candidate's steps.
 */
export async function timeCandidates(
  candidates: readonly Candidate[],
  timer: StepTimer,
  limits: { probeSeconds: number; allowedSeconds: number },
  choose: (timed: readonly Timed[]) => Candidate,
  onTimed: (t: Timed) => void = () => {},
): Promise<Timed[]> {
  const measured = new Map<Candidate, Timed>();
  const started = performance.now();
  const estimate = (c: Candidate): number => {
    const known = [...measured.values()];
    const pool = known.some((t) => t.candidate.filters === c.filters) ? known.filter((t) => t.candidate.filters === c.filters) : known;
    const near = pool.reduce((a, b) => (Math.abs(Math.log(b.candidate.flops / c.flops)) < Math.abs(Math.log(a.candidate.flops / c.flops)) ? b : a));
    return (near.seconds * c.flops) / near.candidate.flops;
  };
  const spent = () => (performance.now() - started) / 1000;
  const affordable = (c: Candidate) => spent() + (1 + TIMED_STEPS) * estimate(c) <= limits.probeSeconds;
  const measure = async (c: Candidate): Promise<Timed> => {
    const t = { candidate: c, seconds: await timer(c), measured: true };
    measured.set(c, t);
    onTimed(t);
    return t;
  };
  const widths = [...new Set(candidates.map((c) => c.filters))].sort((a, b) => a - b);
  for (const width of widths) {
    const cheapest = candidates.filter((c) => c.filters === width).sort((a, b) => a.flops - b.flops)[0];
    if (measured.size > 0 && spent() >= limits.probeSeconds) break;
    if ((await measure(cheapest)).seconds > limits.allowedSeconds) break;
  }
  const all = () => candidates.map((c) => measured.get(c) ?? { candidate: c, seconds: estimate(c), measured: false });
  for (let chosen = choose(all()); !measured.has(chosen) && affordable(chosen); chosen = choose(all())) await measure(chosen);
  return all();
}

/** What a candidate trains with: its classes, loss (weighted_ce needs weights) and input channels. */
export interface ProbeSetting {
  engine: EngineRequest;
  workers: number | 'auto';
  channels: number;
  classes: number;
  loss: LossKind;
}

/** The real timer: builds each candidate on the engine training would use and times steps on random data. */
export async function engineStepTimer(setting: ProbeSetting): Promise<EngineTimer> {
  const { selectEngine, tf } = await import('../../backends/tfjs/engines.ts');
  const { buildModel } = await import('../../backends/tfjs/build.ts');
  const { TrainingLoop } = await import('../../backends/tfjs/train/loop.ts');
  const { DataParallel } = await import('../../backends/tfjs/train/parallel/data-parallel.ts');
  const { replicaCount } = await import('../train/session.ts');
  // As prepareSession does: with data-parallel replicas the main engine stays single-threaded too.
  const engine = await selectEngine(setting.engine, { wasmThreads: setting.workers === 1 ? undefined : 1 });
  const workers = replicaCount(setting.workers, engine.name);
  const time: StepTimer = async (c) => {
    const base = candidateModel(c, setting.channels, setting.classes);
    const ir = { ...base, train: { ...base.train, loss: setting.loss, batch: c.batch } };
    const out = withInputSize(ir, [c.size, c.size]).output.size as number[];
    const model = buildModel(ir, { inputSize: [c.size, c.size], seed: 1 });
    const loop = new TrainingLoop({ model, config: ir.train, classes: setting.classes, train: [], val: [], prepare: (s) => s as never });
    const batch = {
      x: tf.randomUniform([c.batch, c.size, c.size, setting.channels]),
      labels: tf.randomUniform([c.batch, ...out], 0, setting.classes, 'int32'),
      weights: setting.loss === 'weighted_ce' ? tf.ones([c.batch, ...out]) : null,
      size: c.batch,
    };
    const parallel = workers > 1 ? new DataParallel(workers, engine.name) : null;
    await parallel?.start(model, ir.train, loop.getState());
    const rng = new Random(1);
    const step = () => (parallel ? parallel.step(loop, batch, 1e-3, rng) : loop.step(batch.x, batch.labels, batch.weights, 1e-3));
    try {
      await step(); // warm-up: kernels compile and buffers are allocated on the first step
      const started = performance.now();
      let steps = 0;
      while (steps < TIMED_STEPS || (performance.now() - started) / 1000 < TIMED_SECONDS) {
        await step();
        steps++;
      }
      return (performance.now() - started) / 1000 / steps;
    } finally {
      await parallel?.dispose();
      tf.dispose([batch.x, batch.labels, ...(batch.weights ? [batch.weights] : [])]);
      // The loop's optimizer slots (a few MB per candidate) have no dispose; they go with the process.
      model.dispose();
    }
  };
  const [load] = loadavg();
  return {
    time,
    label: `${engine.label}${workers > 1 ? ` x${workers} workers` : ''}`,
    workers,
    load: `load average ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length / 2 ? ': other work is running, so these timings are slower than an idle machine\'s; plan again when it is idle' : ''}`,
  };
}
