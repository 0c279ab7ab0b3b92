// Inference of milesial.unet (3 in, 2 classes, base 64, 31M parameters) at 1x3x256x256:
// onnxruntime used directly on the exported file, our session (src/backends/onnx/runtime.ts) and
// the Predictor that `unet predict --engine onnx` runs per tile,
// tfjs wasm, and PyTorch (Debian's python3-torch) when it is installed.
// Run: npx tsx bench/onnx-inference.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../src/backends/onnx/export.ts';
import { createSession, runSession } from '../src/backends/onnx/runtime.ts';
import { weightsFromTfjs } from '../src/backends/tfjs/weights.ts';
import { selectEngine, tf } from '../src/backends/tfjs/engines.ts';
import { lowerModel } from '../src/backends/tfjs/lower.ts';
import { compileFile } from '../src/node/compile-file.ts';
import { openOnnxModel } from '../src/app/eval/onnx-predictor.ts';
import { withInputSize } from '../src/language/shapes/infer.ts';

const SPEC = 'specs/milesial.unet';
const SIZE = [256, 256];
const RUNS = 5;

/** Median of RUNS timed calls after one warm-up call, in seconds. */
async function median(run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const model = withInputSize(compileFile(SPEC).model!, SIZE);
const dims = [1, model.input.channels, ...SIZE];
const input = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, k) => Math.sin(k));

// One tfjs model on wasm both for its timing and for the weights of the exported file.
const engine = await selectEngine('wasm');
const tfModel = lowerModel(model).model;
const path = join(mkdtempSync(join(tmpdir(), 'unet-bench-')), 'milesial.onnx');
writeFileSync(path, exportOnnx(model, weightsFromTfjs(tfModel, model)));

const results: Record<string, number> = {};

// onnxruntime as a user would call it, with its default session options.
const raw = await ort.InferenceSession.create(path);
const feeds = { [raw.inputNames[0]]: new ort.Tensor('float32', input, dims) };
results['onnxruntime (default options)'] = await median(() => raw.run(feeds));
await raw.release();

const ours = await createSession(path);
results['runtime.ts (all cores, optimisation all)'] = await median(() => runSession(ours, { data: input, dims }));
await ours.release();

// What `unet predict --engine onnx` runs per tile: the Predictor over the same file
// (NHWC in and out, converted around the NCHW session).
const { predictor } = await openOnnxModel(path);
const nhwc = Float32Array.from({ length: input.length }, (_, k) => Math.sin(k));
results['unet predict --engine onnx (Predictor)'] = await median(() => predictor(nhwc, 1, SIZE[0]!, SIZE[1]!));

// Channels last for tfjs; the values only need the right count for timing.
const x = tf.tensor(input, [1, ...SIZE, model.input.channels]);
results[`tfjs ${engine.name}`] = await median(() => (tfModel.predict(x) as tf.Tensor).data());

// The same architecture in PyTorch (milesial/Pytorch-UNet's modules), 2 threads (docs/facts.md#pytorch: the default is 1 here).
const TORCH = `
import sys, time, torch, torch.nn as nn
torch.set_num_threads(int(sys.argv[1]))
def double(i, o): return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(True),
                                       nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(True))
class UNet(nn.Module):
    def __init__(s, w=(64, 128, 256, 512, 1024)):
        super().__init__()
        s.enc = nn.ModuleList([double(3, w[0])] + [double(w[i], w[i + 1]) for i in range(4)])
        s.up = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, 2) for i in reversed(range(4))])
        s.dec = nn.ModuleList([double(2 * w[i], w[i]) for i in reversed(range(4))])
        s.head = nn.Conv2d(w[0], 2, 1)
    def forward(s, x):
        skips = []
        for i, e in enumerate(s.enc):
            x = e(x if i == 0 else nn.functional.max_pool2d(x, 2))
            skips.append(x)
        x = skips.pop()
        for up, dec in zip(s.up, s.dec):
            x = dec(torch.cat([skips.pop(), up(x)], 1))
        return torch.softmax(s.head(x), 1)
net = UNet().eval()
x = torch.randn(1, 3, 256, 256)
times = []
with torch.no_grad():
    net(x)
    for _ in range(${RUNS}):
        t = time.perf_counter(); net(x); times.append(time.perf_counter() - t)
print(sorted(times)[len(times) // 2])
`;
const python = '/usr/bin/python3';
if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) {
  const torch = spawnSync(python, ['-c', TORCH, '2'], { encoding: 'utf8' });
  if (torch.status === 0) {
    results['PyTorch (2 threads)'] = Number(torch.stdout.trim());
  } else {
    process.stdout.write(`PyTorch failed: ${torch.stderr.trim().split('\n').at(-1)}\n`);
  }
} else {
  process.stdout.write('PyTorch: not installed (apt-get install -y python3-torch libopenblas0-pthread)\n');
}

const base = results['runtime.ts (all cores, optimisation all)'];
process.stdout.write(`${SPEC} at ${dims.join('x')}, median of ${RUNS}, load average ${loadavg()[0].toFixed(1)}\n`);
for (const [name, seconds] of Object.entries(results)) {
  process.stdout.write(`${name.padEnd(42)} ${seconds.toFixed(3)} s   ${(seconds / base).toFixed(2)}x runtime.ts\n`);
}
