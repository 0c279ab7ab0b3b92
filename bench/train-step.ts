/**
 * One training step of the seeds' U-Net at base 16 (1 channel in, 1 sigmoid class, same
 * padding, conv + batch norm + ReLU, transposed up-convs), batch 4 x 1 x 128 x 128, BCE +
 * Adam, on each available tfjs engine and in PyTorch, side by side in one script. The
 * network is one IR: tfjs builds it with src/backends/tfjs, PyTorch runs the model.py that
 * `unet emit torch` generates from the same IR, so both train exactly the same network.
 * Each engine runs in its own child process, so its peak memory (max RSS) is its own.
 *
 *   npx tsx bench/train-step.ts                 wasm and PyTorch (cpu too with --cpu: ~5 min a step)
 *   npx tsx bench/train-step.ts --steps 5
 *   npx tsx bench/train-step.ts --workers 2    also wasm data-parallel over 2 replicas (main + 1 worker thread)
 *
 * Rows: wasm single-threaded, the same without our SIMD kernels (src/backends/tfjs/kernels/simd,
 * UNET_WASM_SIMD=0: XNNPACK's convs, as before them), wasm with XNNPACK on every core
 * (src/backends/tfjs/wasm-threads.ts), wasm data-parallel (single-threaded replicas) with and
 * without our SIMD kernels, PyTorch.
 *
 * Worker threads share the process, so the max RSS of a data-parallel row covers every replica.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSource } from '../src/language/compile.ts';
import { readFromDisk } from '../src/node/compile-file.ts';
import type { Model } from '../src/language/ir/types.ts';
import { packageFiles } from '../src/backends/torch/emit.ts';

const SPEC = `unet Bench16 extends Milesial from "../specs/milesial.unet" {
  input 1 x 128 x 128
  output 1 class sigmoid
  filters 16 doubling
  train { loss bce; optimizer adam lr 1e-3; batch 4; clip off }
}
`;
const BATCH = 4;
const PYTHON = '/usr/bin/python3';

function benchModel(): Model {
  // The base spec is read from disk: compileSource itself is browser-safe and reads no files.
  const { model, diagnostics } = compileSource(SPEC, 'bench/bench16.unet', { read: readFromDisk });
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return model;
}

interface Result {
  engine: string;
  secondsPerStep: number;
  maxRssMiB: number;
  detail: string;
}

/** Child: time `steps` steps (after one warm-up step) on one tfjs engine, over `workers` data-parallel replicas. */
async function runTfjs(engine: string, steps: number, workers: number): Promise<Result> {
  const { selectEngine, tf } = await import('../src/backends/tfjs/engines.ts');
  const { buildModel } = await import('../src/backends/tfjs/build.ts');
  const { TrainingLoop } = await import('../src/backends/tfjs/train/loop.ts');
  const { Random } = await import('../src/data/random.ts');
  const selected = await selectEngine(engine as 'wasm', { wasmThreads: workers > 1 ? 1 : undefined });
  const ir = benchModel();
  const model = buildModel(ir, { seed: 1 });
  const loop = new TrainingLoop({ model, config: ir.train, classes: 1, train: [], val: [], prepare: (s) => s as never });
  const rng = new Random(1);
  const x = tf.tensor4d(Float32Array.from({ length: BATCH * 128 * 128 }, () => rng.uniform()), [BATCH, 128, 128, 1]);
  const labels = tf.tensor3d(Float32Array.from({ length: BATCH * 128 * 128 }, () => (rng.uniform() > 0.5 ? 1 : 0)), [BATCH, 128, 128]);
  let step = () => Promise.resolve(loop.step(x, labels, null, 1e-3));
  let parallel: { dispose(): Promise<void> } | null = null;
  if (workers > 1) {
    const { DataParallel } = await import('../src/backends/tfjs/train/parallel/data-parallel.ts');
    const dp = new DataParallel(workers, selected.name);
    await dp.start(model, ir.train, loop.getState());
    parallel = dp;
    step = () => dp.step(loop, { x, labels, weights: null, size: BATCH }, 1e-3, rng);
  }
  await step();
  const started = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const seconds = (performance.now() - started) / 1000 / steps;
  await parallel?.dispose();
  const threads = selected.detail.match(/(\d+) threads/)?.[1];
  const name = workers > 1 ? `tfjs ${selected.name} x${workers} workers` : `tfjs ${selected.name}${threads ? `, ${threads} threads` : ', 1 thread'}`;
  const detail = `tfjs ${tf.version.tfjs}${workers > 1 ? `, data-parallel: main thread + ${workers - 1} worker thread(s), shards of ${BATCH / workers}` : ''}`;
  return { engine: name, secondsPerStep: seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail };
}

const TORCH_STEP = `
import json, resource, sys, time, torch
sys.path.insert(0, sys.argv[1])
import model as m
torch.manual_seed(1)
torch.set_num_threads(int(sys.argv[3]))
net = m.build_model().train()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = torch.nn.BCELoss()
x = torch.rand(${BATCH}, 1, 128, 128)
y = (torch.rand(${BATCH}, 1, 128, 128) > 0.5).float()
def step():
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()
step()
steps = int(sys.argv[2])
t = time.perf_counter()
for _ in range(steps):
    step()
seconds = (time.perf_counter() - t) / steps
import re
blas = re.findall(r"BLAS_INFO=(\\w+)", torch.__config__.show())
print(json.dumps({"engine": "PyTorch " + torch.__version__, "secondsPerStep": seconds,
  "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
  "detail": "BLAS_INFO=" + (blas[0] if blas else "?") + f", {torch.get_num_threads()} threads"}))
`;

/** Which BLAS Debian's alternatives point libblas.so.3 at (reference or OpenBLAS). */
function debianBlas(): string {
  try {
    return execFileSync('update-alternatives', ['--query', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Value:'))!
      .replace('Value: ', '');
  } catch {
    return 'unknown';
  }
}

function runTorch(steps: number): Result | string {
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return 'PyTorch: not installed (apt-get install python3-torch libopenblas0-pthread)';
  const dir = mkdtempSync(join(tmpdir(), 'unet-bench-'));
  try {
    for (const [name, content] of packageFiles(benchModel(), { origin: 'bench/train-step.ts' })) writeFileSync(join(dir, name), content);
    writeFileSync(join(dir, 'bench_step.py'), TORCH_STEP);
    const out = execFileSync(PYTHON, [join(dir, 'bench_step.py'), dir, String(steps), String(cpus().length)], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as Result;
    return { ...result, detail: `${result.detail}, libblas -> ${debianBlas()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One engine in a child process; `env` adds variables (UNET_WASM_THREADS, UNET_WASM_SIMD) and names them in the row. */
function runChild(engine: string, steps: number, workers = 1, env: Record<string, string> = {}): Result | string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', engine, '--steps', String(steps), '--workers', String(workers)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) return `tfjs ${engine}${workers > 1 ? ` x${workers} workers` : ''}: failed (${(child.stderr || line).trim().split('\n').slice(-3).join(' ')})`;
  const result = JSON.parse(line) as Result;
  return env.UNET_WASM_SIMD === '0' ? { ...result, engine: `${result.engine}, without our SIMD kernels (UNET_WASM_SIMD=0)` } : result;
}

const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] ?? 3) || 3;
const workers = args.includes('--workers') ? Number(args[args.indexOf('--workers') + 1]) : 1;
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers: expected a positive integer, got '${args[args.indexOf('--workers') + 1]}'`);
if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(await runTfjs(args[1]!, steps, workers)) + '\n');
} else {
  const ir = benchModel();
  console.log(`one training step: ${ir.name} (${ir.totals.params.toLocaleString('en-US')} parameters, ${((ir.totals.flops ?? 0) * BATCH * 3 / 1e9).toFixed(1)} GFLOP forward+backward at batch ${BATCH}), ${steps} timed steps after a warm-up; load average ${loadavg()[0]!.toFixed(2)}`);
  const engines = ['wasm', ...(args.includes('--cpu') ? ['cpu'] : [])];
  const results = [
    ...engines.map((e) => runChild(e, e === 'cpu' ? 1 : steps, 1, { UNET_WASM_THREADS: '1' })),
    runChild('wasm', steps, 1, { UNET_WASM_THREADS: '1', UNET_WASM_SIMD: '0' }),
    ...(cpus().length > 1 ? [runChild('wasm', steps, 1, { UNET_WASM_THREADS: String(Math.min(cpus().length, 4)) })] : []),
    ...(workers > 1 ? [runChild('wasm', steps, workers), runChild('wasm', steps, workers, { UNET_WASM_SIMD: '0' })] : []),
    runTorch(steps),
  ];
  const torch = results.find((r): r is Result => typeof r !== 'string' && r.engine.startsWith('PyTorch'));
  console.log('| engine | s / step | vs PyTorch | peak RSS (MiB) | detail |\n| --- | --- | --- | --- | --- |');
  for (const r of results) {
    if (typeof r === 'string') console.log(`| ${r} | | | | |`);
    else console.log(`| ${r.engine} | ${r.secondsPerStep.toFixed(3)} | ${torch ? (r.secondsPerStep / torch.secondsPerStep).toFixed(2) + 'x' : '-'} | ${r.maxRssMiB.toFixed(0)} | ${r.detail} |`);
  }
}
