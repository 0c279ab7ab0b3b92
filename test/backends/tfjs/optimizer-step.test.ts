// The wasm engine's one-kernel optimizer update (src/backends/tfjs/kernels/wasm/optimizer-step.ts)
// against the chain of tfjs ops it replaces (train/optimizers.ts), on wasm: bit for bit the
// same weights and slots after several steps, for every rule and option.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';
import { OPTIMIZER_STEP } from '../../../src/backends/tfjs/kernels/shared/kernel-names.ts';
import { optimizerStepConfig } from '../../../src/backends/tfjs/kernels/wasm/optimizer-step.ts';
import { makeOptimizer } from '../../../src/backends/tfjs/train/optimizers.ts';
import type { TrainConfig } from '../../../src/language/ir/types.ts';
import { seededValues as values } from '../../helpers/numeric.ts';

type Opt = TrainConfig['optimizer'];
const base: Opt = { kind: 'sgd', lr: 0.05, momentum: 0, nesterov: false, weightDecay: 0 };

/** Three steps over two variables (37 values: SIMD lanes and a scalar tail; and 8); every weight and slot after them. */
function train(config: Opt): { weights: Float32Array[]; slots: Float32Array[][]; calls: number } {
  const shapes = [[37], [2, 4]];
  const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(values(tf.util.sizeFromShape(s), i + 1), s))));
  const opt = makeOptimizer(config, variables);
  let calls = 0;
  const kernel = tf.getKernel(OPTIMIZER_STEP, 'wasm');
  const original = kernel?.kernelFunc;
  if (kernel) kernel.kernelFunc = (args) => (calls++, original!(args));
  for (let step = 0; step < 3; step++) {
    const grads = shapes.map((s, i) => tf.tensor(values(tf.util.sizeFromShape(s), 10 * step + i + 7), s));
    opt.apply(grads, config.lr * (1 + step));
    tf.dispose(grads);
  }
  if (kernel) kernel.kernelFunc = original!;
  const result = { weights: variables.map((v) => v.dataSync() as Float32Array), slots: Object.values(opt.getState().slots), calls };
  opt.dispose();
  tf.dispose(variables);
  return result;
}

const configs: [string, Opt][] = [
  ['SGD', base],
  ['SGD, weight decay', { ...base, weightDecay: 0.1 }],
  ['SGD, momentum 0.99', { ...base, momentum: 0.99 }],
  ['SGD, Nesterov, weight decay', { ...base, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  ['Adam', { ...base, kind: 'adam' }],
  ['Adam, weight decay', { ...base, kind: 'adam', weightDecay: 1e-4 }],
  ['RMSprop', { ...base, kind: 'rmsprop' }],
  ['RMSprop, momentum, weight decay 1e-8', { ...base, kind: 'rmsprop', momentum: 0.9, weightDecay: 1e-8 }],
];

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('the fused optimizer step on wasm', () => {
  it.each(configs)('%s: the same weights and slots as the op chain, bit for bit', (_, config) => {
    const fused = train(config);
    tf.unregisterKernel(OPTIMIZER_STEP, 'wasm');
    const chain = train(config);
    tf.registerKernel(optimizerStepConfig);
    expect(fused.calls, 'the fused kernel ran, once per variable and step').toBe(6);
    expect(chain.calls).toBe(0);
    fused.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(chain.weights[i])));
    expect(fused.slots.length).toBe(chain.slots.length);
    fused.slots.forEach((slot, k) => slot.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(chain.slots[k][i]))));
    // The weights moved at all.
    expect(Array.from(fused.weights[0])).not.toEqual(Array.from(values(37, 1)));
  });

  it('leaks no tensor', () => {
    const before = tf.memory().numTensors;
    train({ ...base, kind: 'adam' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
