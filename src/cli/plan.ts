// `unet plan --data DIR --time 20m [--out spec.unet]`: a spec for this data and this
// machine's throughput (src/app/plan/), every choice with its reason as a comment. Progress
// goes to stderr, the spec to stdout or, with --out, atomically to a file that is new or
// was written by `unet plan` (its first line), never over a spec of the user's.
import { durationFlag, workersFlag } from './flag-parsers.ts';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { ENGINE_NAMES, type EngineRequest } from '../backends/tfjs/engines.ts';
import { makePlan } from '../app/plan/make-plan.ts';
import { engineStepTimer } from '../app/plan/probe.ts';
import { PLAN_MARKER } from '../app/plan/write.ts';
import { writeFileAtomic } from '../io/atomic.ts';

interface PlanFlags {
  data: string;
  time: number;
  out?: string;
  probe: number;
  engine: EngineRequest;
  workers: number | 'auto';
}

/** The first bytes of a file, enough for its first line. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(PLAN_MARKER.length + 2);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
  } finally {
    closeSync(fd);
  }
}

/** --out may be new, or a spec `unet plan` wrote (its first line); anything else is the user's. */
function assertPlanOut(out: string): void {
  if (!out.endsWith('.unet')) throw new Error(`--out ${out}: expected a .unet file name`);
  if (!existsSync(out)) return;
  if (!statSync(out).isFile() || firstLine(out) !== PLAN_MARKER) {
    throw new Error(`--out ${out}: the file exists and was not written by unet plan (its first line is not the plan marker); not replacing it. Choose another --out, or delete the file`);
  }
}

async function plan(flags: PlanFlags): Promise<void> {
  if (flags.out !== undefined) assertPlanOut(flags.out);
  const { text } = await makePlan({
    data: flags.data,
    budget: flags.time,
    probeSeconds: flags.probe,
    specPath: flags.out,
    timer: (setting) => engineStepTimer({ engine: flags.engine, workers: flags.workers, ...setting }),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  if (flags.out === undefined) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileAtomic(flags.out, text);
  process.stderr.write(`wrote ${flags.out}\n`);
}

export function register(program: Command): void {
  program
    .command('plan')
    .description("write a spec for a data set and a time budget: depth, filters, crop, batch, loss, augmentation from the data's fingerprint and a measured probe of this machine, each with its reason")
    .requiredOption('--data <data>', "the training data, as for `unet train` (a folder of 2D images and masks, or builtin:ellipses[:N])")
    .requiredOption('--time <duration>', 'the training budget the spec is planned for, e.g. 20m, 90s, 1h30m', durationFlag)
    .option('--out <spec.unet>', 'write the spec here (atomically; only a new file or one unet plan wrote) instead of stdout')
    .option('--probe <duration>', 'how long the throughput probe may time training steps', durationFlag, 20)
    .addOption(new Option('--engine <engine>', 'the tfjs engine training will use').choices(['auto', ...ENGINE_NAMES]).default('auto'))
    .option('--workers <n>', 'the data-parallel replicas training will use (as `unet train --workers`)', workersFlag, 1)
    .action(async (flags: PlanFlags) => plan(flags));
}
