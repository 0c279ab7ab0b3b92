/**
 * One training step of specs/milesial.unet (the popular PyTorch U-Net) on GPUs, side by
 * side: tfjs on webgpu, tfjs-node-gpu when installed, and PyTorch on CUDA (the model.py of
 * `unet emit torch` for the same IR) when torch sees a CUDA device. Cross-entropy + Adam,
 * batch 8 x 3 x 256 x 256 by default (issue 14's job). Each engine runs in its own child
 * process. Under 5 minutes: one warm-up step (shader compilation, cuDNN autotuning), then
 * --steps timed steps, each ending with a read of the loss (the GPU has finished).
 *
 *   npx tsx bench/gpu.ts                              the issue's job
 *   npx tsx bench/gpu.ts --size 32 --batch 2 --base 8 --steps 2
 *
 * Tuning (issue 14's "convolution algorithms and tile sizes that fit GPUs"): tfjs-backend-webgpu
 * picks its convolution programs by flags, read at each dispatch. `--flag NAME=VALUE` (repeated)
 * sets them for the webgpu row; `--sweep` times one webgpu row per variant of SWEEP below
 * (transposed convolutions as a matmul instead of the naive shader, im2col as its own shader,
 * the matmul program, more dispatches per submit), so one run on a GPU says which to make
 * the engine's default.
 *
 *   npx tsx bench/gpu.ts --sweep
 *   npx tsx bench/gpu.ts --flag WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE=false
 *
 * Without a hardware adapter the webgpu row runs on a software adapter (SwiftShader: set
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, docs/webgpu.md), the default
 * size drops to 32 x 32, batch 2, base 8, and the table says that these are not GPU figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSource } from '../src/language/compile.ts';
import { readFromDisk } from '../src/node/compile-file.ts';
import type { Model } from '../src/language/ir/types.ts';
import { packageFiles } from '../src/backends/torch/emit.ts';

const PYTHON = '/usr/bin/python3';

interface Job {
  size: number;
  batch: number;
  base: number;
  steps: number;
}

interface Row {
  engine: string;
  secondsPerStep: number;
  detail: string;
}

function benchModel(job: Job): Model {
  const spec = `unet BenchGpu extends Milesial from "../specs/milesial.unet" {
  input 3 x ${job.size} x ${job.size}
  filters ${job.base} doubling
  train { loss ce; optimizer adam lr 1e-3; batch ${job.batch}; clip off }
}
`;
  // The base spec is read from disk: compileSource itself is browser-safe and reads no files.
  const { model, diagnostics } = compileSource(spec, 'bench/bench-gpu.unet', { read: readFromDisk });
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return model;
}

/** tfjs-backend-webgpu flags (NAME -> value) for one webgpu row. */
type Flags = Record<string, number | boolean>;

/**
 * The variants --sweep times, each against the package's defaults (tf-backend-webgpu 4.22:
 * naive transposed convolution true, separate im2col false, matmul program -1 = by shape,
 * 15 dispatches per submit). Matmul program 3 is MatMulPackedProgram (webgpu_util.ts).
 */
const SWEEP: Flags[] = [
  {},
  { WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE: false },
  { WEBGPU_CONV_SEPARATE_IM2COL_SHADER: true },
  { WEBGPU_MATMUL_PROGRAM_TYPE: 3 },
  { WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: 64 },
];

const describeFlags = (flags: Flags) => Object.entries(flags).map(([k, v]) => `${k}=${v}`).join(' ');

/** NAME=VALUE: a boolean (true/false) or a number, for a flag tfjs-backend-webgpu registers. */
function parseFlag(text: string): Flags {
  const m = /^(WEBGPU_[A-Z0-9_]+)=(true|false|-?\d+)$/.exec(text);
  if (!m) throw new Error(`--flag ${text}: expected WEBGPU_NAME=true|false|integer, e.g. WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE=false`);
  return { [m[1]!]: m[2] === 'true' ? true : m[2] === 'false' ? false : Number(m[2]) };
}

/** Child: time the steps on one tfjs engine. */
async function runTfjs(engine: 'webgpu' | 'gpu', job: Job, flags: Flags): Promise<Row> {
  const { selectEngine, tf } = await import('../src/backends/tfjs/engines.ts');
  const { buildModel } = await import('../src/backends/tfjs/build.ts');
  const { TrainingLoop } = await import('../src/backends/tfjs/train/loop.ts');
  const { Random } = await import('../src/data/random.ts');
  const selected = await selectEngine(engine);
  // Read at each dispatch by the package, so setting them once the backend is up is enough; a
  // name it does not register is refused by tf.env().set, so a typo cannot time the defaults.
  for (const [name, value] of Object.entries(flags)) {
    try {
      tf.env().set(name, value);
    } catch {
      throw new Error(`--flag ${name}: not a flag tfjs-backend-webgpu registers`);
    }
  }
  const ir = benchModel(job);
  const model = buildModel(ir, { seed: 1 });
  const loop = new TrainingLoop({ model, config: ir.train, classes: 2, train: [], val: [], prepare: (s) => s as never });
  const rng = new Random(1);
  const pixels = job.batch * job.size * job.size;
  const x = tf.tensor4d(Float32Array.from({ length: pixels * 3 }, () => rng.uniform()), [job.batch, job.size, job.size, 3]);
  const labels = tf.tensor3d(Int32Array.from({ length: pixels }, () => (rng.uniform() > 0.5 ? 1 : 0)), [job.batch, job.size, job.size], 'int32');
  await loop.step(x, labels, null, 1e-3);
  const started = performance.now();
  for (let i = 0; i < job.steps; i++) await loop.step(x, labels, null, 1e-3);
  const tuned = Object.keys(flags).length > 0 ? ` (${describeFlags(flags)})` : '';
  return { engine: `tfjs ${engine}${tuned}`, secondsPerStep: (performance.now() - started) / 1000 / job.steps, detail: selected.detail };
}

const TORCH_STEP = `
import json, sys, time, torch
sys.path.insert(0, sys.argv[1])
import model as m
batch, size, steps = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if not torch.cuda.is_available():
    print(json.dumps({"skip": "PyTorch " + torch.__version__ + ": no CUDA device"})); sys.exit(0)
torch.manual_seed(1)
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda")
net = m.build_model().train().to(dev)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x = torch.rand(batch, 3, size, size, device=dev)
y = (torch.rand(batch, size, size, device=dev) > 0.5).long()
def step():
    opt.zero_grad()
    # model.py ends in softmax: the cross-entropy of its probabilities, as tfjs computes it.
    loss = torch.nn.functional.nll_loss(torch.log(net(x).clamp_min(1e-7)), y)
    loss.backward()
    opt.step()
    return loss.item()
step()
t = time.perf_counter()
for _ in range(steps):
    step()
print(json.dumps({"engine": "PyTorch " + torch.__version__ + " CUDA", "secondsPerStep": (time.perf_counter() - t) / steps,
  "detail": torch.cuda.get_device_name(0)}))
`;

function runTorch(job: Job): Row | string {
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return 'PyTorch: not installed';
  const dir = mkdtempSync(join(tmpdir(), 'unet-bench-gpu-'));
  try {
    for (const [name, content] of packageFiles(benchModel(job), { origin: 'bench/gpu.ts' })) writeFileSync(join(dir, name), content);
    writeFileSync(join(dir, 'bench_step.py'), TORCH_STEP);
    const out = execFileSync(PYTHON, [join(dir, 'bench_step.py'), dir, String(job.batch), String(job.size), String(job.steps)], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as Row | { skip: string };
    return 'skip' in result ? result.skip : result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(engine: 'webgpu' | 'gpu', job: Job, webgpuFlags: Flags = {}): Row | string {
  const args = ['--size', job.size, '--batch', job.batch, '--base', job.base, '--steps', job.steps].map(String);
  const tuning = Object.entries(webgpuFlags).flatMap(([k, v]) => ['--flag', `${k}=${v}`]);
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', engine, ...args, ...tuning], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  const name = `tfjs ${engine}${tuning.length > 0 ? ` (${describeFlags(webgpuFlags)})` : ''}`;
  if (child.status !== 0 || !line.startsWith('{')) return `${name}: ${(child.stderr || line).trim().split('\n').slice(-1)[0]}`;
  return JSON.parse(line) as Row;
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got '${process.argv[i + 1]}'`);
  return value;
}

/** Every --flag NAME=VALUE of the command line, merged. */
const flagsOfArgv = (): Flags => Object.assign({}, ...process.argv.flatMap((a, i) => (a === '--flag' ? [parseFlag(process.argv[i + 1] ?? '')] : [])));

if (process.argv[2] === '--child') {
  const job = { size: flag('size', 256), batch: flag('batch', 8), base: flag('base', 64), steps: flag('steps', 3) };
  process.stdout.write(JSON.stringify(await runTfjs(process.argv[3] as 'webgpu' | 'gpu', job, flagsOfArgv())) + '\n');
} else {
  const sweep = process.argv.includes('--sweep');
  const given = flagsOfArgv();
  if (sweep && Object.keys(given).length > 0) throw new Error('--sweep times its own variants; give --flag without it');
  const { listEngines } = await import('../src/backends/tfjs/engines.ts');
  const engines = await listEngines();
  const webgpu = engines.find((e) => e.name === 'webgpu')!;
  const software = webgpu.status !== 'available' || webgpu.notForAuto !== undefined;
  const job = { size: flag('size', software ? 32 : 256), batch: flag('batch', software ? 2 : 8), base: flag('base', software ? 8 : 64), steps: flag('steps', software ? 2 : 5) };
  const ir = benchModel(job);
  console.log(`one training step of ${ir.name} (milesial.unet, base ${job.base}, ${ir.totals.params.toLocaleString('en-US')} parameters) at ${job.batch} x 3 x ${job.size} x ${job.size}, CE + Adam, ${job.steps} timed steps after a warm-up`);
  if (software) console.log(`NOTE: no hardware WebGPU adapter (${webgpu.status}: ${webgpu.detail}): these are NOT GPU figures`);
  const variants = sweep ? SWEEP : [given];
  const rows = [
    ...(webgpu.status === 'available' ? variants.map((v) => runChild('webgpu', job, v)) : [`tfjs webgpu: ${webgpu.status} (${webgpu.detail})`]),
    engines.find((e) => e.name === 'gpu')!.status === 'available' ? runChild('gpu', job) : 'tfjs gpu (tfjs-node-gpu): not installed',
    runTorch(job),
  ];
  const torch = rows.find((r): r is Row => typeof r !== 'string' && r.engine.startsWith('PyTorch'));
  console.log('| engine | s / step | vs PyTorch CUDA | detail |\n| --- | --- | --- | --- |');
  for (const r of rows) {
    if (typeof r === 'string') console.log(`| ${r} | | | |`);
    else console.log(`| ${r.engine} | ${r.secondsPerStep.toFixed(3)} | ${torch ? `${(r.secondsPerStep / torch.secondsPerStep).toFixed(2)}x` : '-'} | ${r.detail} |`);
  }
}
