/**
 * Time of one training step (forward + backward + Adam) of U-Net-shaped nets on tfjs cpu
 * and wasm, before and after this project's wasm kernels (src/backends/tfjs/kernels).
 * 2D: the seeds' U-Net (double 3x3 conv + batch norm + ReLU per level, max-pool down,
 * 2x2 stride-2 transposed conv up, 1x1 sigmoid head, BCE). 3D: the same without batch norm
 * (tfjs-layers has none for rank 5).
 * "Before" keeps wasm's own kernels but needs our Conv2DBackpropFilter (wasm has none) and
 * our conv3dTranspose gradient (tfjs-core has none) to run at all; its 3D gradients are
 * wrong (wasm's Conv3DBackprop* kernels), only its time is meaningful.
 *
 *   npx tsx bench/wasm-kernels.ts            (PROFILE=1 also lists the slowest kernels)
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from '../src/backends/tfjs/kernels/wasm/conv2d-backprop-filter.ts';
import { registerWasmTrainingKernels, wasmTrainingKernels } from '../src/backends/tfjs/kernels/index.ts';

interface Job {
  name: string;
  build: () => tf.LayersModel;
  input: number[];
}

type Layers = {
  conv: (args: { filters: number; kernelSize: number; padding?: 'same'; useBias?: boolean; activation?: 'relu' | 'sigmoid' }) => tf.layers.Layer;
  pool: () => tf.layers.Layer;
  up: (filters: number) => tf.layers.Layer;
  norm: boolean;
};

const layers2d: Layers = {
  conv: (args) => tf.layers.conv2d(args),
  pool: () => tf.layers.maxPooling2d({ poolSize: 2 }),
  up: (filters) => tf.layers.conv2dTranspose({ filters, kernelSize: 2, strides: 2 }),
  norm: true,
};

const layers3d: Layers = {
  conv: (args) => tf.layers.conv3d(args),
  pool: () => tf.layers.maxPooling3d({ poolSize: 2 }),
  up: (filters) => tf.layers.conv3dTranspose({ filters, kernelSize: 2, strides: 2 }),
  norm: false,
};

function unet(l: Layers, base: number, depth: number, inputShape: number[]): tf.LayersModel {
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const doubleConv = (x: tf.SymbolicTensor, filters: number) => {
    for (let i = 0; i < 2; i++) {
      if (!l.norm) {
        x = apply(l.conv({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }), x);
        continue;
      }
      x = apply(l.conv({ filters, kernelSize: 3, padding: 'same', useBias: false }), x);
      x = apply(tf.layers.reLU(), apply(tf.layers.batchNormalization(), x));
    }
    return x;
  };
  const input = tf.input({ shape: inputShape });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    x = doubleConv(x, base * 2 ** level);
    skips.push(x);
    x = apply(l.pool(), x);
  }
  x = doubleConv(x, base * 2 ** depth);
  for (let level = depth - 1; level >= 0; level--) {
    const up = apply(l.up(base * 2 ** level), x);
    x = doubleConv(apply(tf.layers.concatenate(), [skips[level], up]), base * 2 ** level);
  }
  return tf.model({ inputs: input, outputs: apply(l.conv({ filters: 1, kernelSize: 1, activation: 'sigmoid' }), x) });
}

/** Fastest of `steps` training steps after one warm-up step: the least disturbed by other load. */
async function stepSeconds(job: Job, steps: number): Promise<number> {
  const model = job.build();
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform(job.input, 0, 1, 'float32', 1);
  const ys = tf.tidy(() => tf.cast(tf.greater(xs, 0.5), 'float32'));
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.metrics.binaryCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor).mean() as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push((performance.now() - t0) / 1000);
  }
  if (process.env.PROFILE) await printProfile(step);
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return Math.min(...times);
}

async function printProfile(step: () => void): Promise<void> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log('  slowest kernels:', top.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', '));
}

const fmt = (s: number) => `${s.toFixed(3)} s`.padStart(9);

console.log(`load average at start: ${loadavg()[0].toFixed(1)} (wasm runs on one thread; timings need an idle core)`);
await tf.setBackend('wasm');
const tfjsKernels = wasmTrainingKernels.flatMap((k) => tf.getKernel(k.kernelName, 'wasm') ?? []);

/** Puts back wasm's own kernels, keeping what no training step can run without. */
function useTfjsKernels(): void {
  for (const k of tfjsKernels) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  registerWasmTrainingKernels([conv2DBackpropFilterConfig]);
}

async function compare(job: Job, withCpu: boolean, steps: number): Promise<void> {
  console.log(`\n${job.name}, input ${job.input.join('x')}, BCE + Adam: seconds per training step`);
  let cpu = NaN;
  if (withCpu) {
    await tf.setBackend('cpu');
    cpu = await stepSeconds(job, 1);
    console.log(`  cpu                                  ${fmt(cpu)}`);
  }
  await tf.setBackend('wasm');
  useTfjsKernels();
  const before = await stepSeconds(job, steps);
  registerWasmTrainingKernels();
  const after = await stepSeconds(job, steps);
  console.log(`  wasm before (its kernels + our dW)   ${fmt(before)}`);
  console.log(`  wasm after (all our kernels)         ${fmt(after)}   before/after ${(before / after).toFixed(2)}x`);
  if (withCpu) console.log(`  cpu/wasm-before ${(cpu / before).toFixed(1)}x, cpu/wasm-after ${(cpu / after).toFixed(1)}x`);
}

await compare({ name: '2D U-Net base 8, depth 2', build: () => unet(layers2d, 8, 2, [32, 32, 1]), input: [1, 32, 32, 1] }, true, 3);
await compare({ name: '2D U-Net base 16, depth 4 (the bench job of docs/facts.md#speed)', build: () => unet(layers2d, 16, 4, [128, 128, 1]), input: [4, 128, 128, 1] }, false, 3);
await compare({ name: '3D U-Net base 8, depth 2', build: () => unet(layers3d, 8, 2, [32, 32, 32, 1]), input: [1, 32, 32, 32, 1] }, false, 2);
