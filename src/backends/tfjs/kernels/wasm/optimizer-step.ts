import * as tf from '@tensorflow/tfjs';
import { SimdModule } from '../simd/module.ts';
import { OPTIMIZER_STEP, type OptimizerStepAttrs } from '../shared/kernel-names.ts';
import type { KernelArgs, WasmBackend } from '../shared/wasm-calls.ts';

interface OptimizerStepExports {
  [name: string]: unknown;
  sgdStep(w: number, g: number, buf: number, n: number, lr: number, momentum: number, nesterov: number, weightDecay: number): void;
  adamStep(w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, c1: number, c2: number, epsilon: number, weightDecay: number): void;
  rmspropStep(w: number, g: number, sq: number, buf: number, n: number, lr: number, alpha: number, oneMinusAlpha: number,
    epsilon: number, momentum: number, weightDecay: number): void;
}

const simd = new SimdModule<OptimizerStepExports>('optimizer-step.wasm');

function optimizerStep({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmBackend;
  const tensors = Object.values(inputs) as tf.TensorInfo[];
  const n = tf.util.sizeFromShape(tensors[0].shape);
  // Unused slots (SGD or RMSprop without momentum) get a dummy array, never read.
  const { offsets, views } = simd.arrays(Array.from({ length: 4 }, () => n));
  tensors.forEach((t, i) => views[i].set(wasm.typedArrayFromHeap(t) as Float32Array));
  const a = attrs as unknown as OptimizerStepAttrs;
  const [w, g, s1, s2] = offsets;
  if (a.rule === 'sgd') simd.exports.sgdStep(w, g, s1, n, a.lr, a.momentum, a.nesterov ? 1 : 0, a.weightDecay);
  else if (a.rule === 'adam') {
    simd.exports.adamStep(w, g, s1, s2, n, a.lr, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.weightDecay);
  } else simd.exports.rmspropStep(w, g, s1, s2, n, a.lr, a.alpha, a.oneMinusAlpha, a.epsilon, a.momentum, a.weightDecay);
  // New w, then the slots the caller passed (views 2 and 3 in order).
  const written = [0, ...tensors.slice(2).map((_, i) => 2 + i)];
  return written.map((view) => {
    const out = wasm.makeOutput(tensors[0].shape, 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array).set(views[view]);
    return out;
  });
}

export const optimizerStepConfig: tf.KernelConfig = {
  kernelName: OPTIMIZER_STEP,
  backendName: 'wasm',
  kernelFunc: optimizerStep as unknown as tf.KernelFunc,
};
