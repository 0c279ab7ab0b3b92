/**
 * Time of one training step (forward + backward + Adam) of the seeds' U-Net shape (double
 * 3x3 conv + batch norm + ReLU per level, max-pool down, 2x2 stride-2 transposed conv up,
 * 1x1 sigmoid head, BCE) on tfjs cpu and wasm, before and after this project's wasm kernels.
 * "Before" keeps wasm's own kernels; it needs our Conv2DBackpropFilter to run at all.
 *
 *   npx tsx bench/wasm-kernels.ts            (PROFILE=1 also lists the slowest kernels)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from '../backends/tfjs/kernels/conv2d-backprop-filter.ts';
import { registerWasmTrainingKernels, wasmTrainingKernels } from '../backends/tfjs/kernels/index.ts';

interface Job { base: number; depth: number; batch: number; size: number }

function doubleConv(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  for (let i = 0; i < 2; i++) {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  }
  return x;
}

function unet({ base, depth, size }: Job): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 1] });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  for (let level = 0; level < depth; level++) {
    x = doubleConv(x, base * 2 ** level);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = doubleConv(x, base * 2 ** depth);
  for (let level = depth - 1; level >= 0; level--) {
    const up = tf.layers.conv2dTranspose({ filters: base * 2 ** level, kernelSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
    x = doubleConv(tf.layers.concatenate().apply([skips[level], up]) as tf.SymbolicTensor, base * 2 ** level);
  }
  const output = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** Median seconds of `steps` training steps after one warm-up step. */
async function stepSeconds(job: Job, steps: number): Promise<number> {
  const model = unet(job);
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform([job.batch, job.size, job.size, 1], 0, 1, 'float32', 1);
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
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function printProfile(step: () => void): Promise<void> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log('  slowest kernels:', top.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', '));
}

const fmt = (s: number) => `${s.toFixed(3)} s`;

async function compare(job: Job, withCpu: boolean, steps: number): Promise<void> {
  console.log(`\nU-Net base ${job.base}, depth ${job.depth}, batch ${job.batch}x1x${job.size}x${job.size}, BCE + Adam`);
  let cpu = NaN;
  if (withCpu) {
    await tf.setBackend('cpu');
    cpu = await stepSeconds(job, 1);
    console.log(`  cpu                              ${fmt(cpu)}`);
  }
  await tf.setBackend('wasm');
  useTfjsKernels();
  const before = await stepSeconds(job, steps);
  registerWasmTrainingKernels();
  const after = await stepSeconds(job, steps);
  console.log(`  wasm before (tfjs kernels + our dW) ${fmt(before)}`);
  console.log(`  wasm after (all our kernels)        ${fmt(after)}   before/after ${(before / after).toFixed(2)}x`);
  if (withCpu) console.log(`  cpu/wasm-after ${(cpu / after).toFixed(1)}x, cpu/wasm-before ${(cpu / before).toFixed(1)}x`);
}

await tf.setBackend('wasm');
const tfjsKernels = wasmTrainingKernels.flatMap((k) => tf.getKernel(k.kernelName, 'wasm') ?? []);

/** Puts back wasm's own kernels; dW stays ours, since wasm has none and no step runs without it. */
function useTfjsKernels(): void {
  for (const k of tfjsKernels) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  registerWasmTrainingKernels([conv2DBackpropFilterConfig]);
}

await compare({ base: 8, depth: 2, batch: 1, size: 32 }, true, 3);
await compare({ base: 16, depth: 4, batch: 4, size: 128 }, false, 3);
