// The optimizers of the spec (sgd, adam, rmsprop) written out with the update rules of
// PyTorch's torch.optim, so results compare with the PyTorch U-Nets and the state is plain
// arrays that a checkpoint can store and restore exactly. tfjs' own optimizers have no
// weight decay and keep their state in a form tied to their variable names.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../../language/ir/types.ts';
import { OPTIMIZER_STEP, type OptimizerStepAttrs } from '../kernels/shared/kernel-names.ts';
import { simdKernelsEnabled } from '../kernels/shared/simd-switch.ts';

/** Adam (Kingma & Ba 2015, and torch.optim.Adam defaults). */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
/** torch.optim.RMSprop defaults: smoothing constant alpha and epsilon. */
const RMSPROP_ALPHA = 0.99;
const EPSILON = 1e-8;

/** Optimizer state as plain arrays: the step count and per-slot, per-variable values. */
export interface OptimizerState {
  kind: string;
  step: number;
  /** slot name -> one array per variable, in the variables' order. */
  slots: Record<string, Float32Array[]>;
}

/**
 * Per-variable update rule: `ops` returns the new value of w and writes its slots, as a
 * chain of tfjs ops (every engine); `fused` gives the same update's constants for the wasm
 * engine's one-kernel version (kernels/optimizer-step.ts), which computes it bit for bit
 * alike, operation for operation, in a tenth of the kernel calls.
 */
interface Rule {
  ops(w: tf.Tensor, g: tf.Tensor, slots: Record<string, tf.Variable>, lr: number, step: number): tf.Tensor;
  fused(lr: number, step: number): OptimizerStepAttrs;
}

/** An optimizer over a fixed list of variables (a model's trainable weights). */
export class Optimizer {
  private step = 0;
  private readonly slots: Record<string, tf.Variable>[];

  constructor(
    readonly kind: string,
    private readonly variables: tf.Variable[],
    private readonly slotNames: string[],
    private readonly rule: Rule,
  ) {
    // In a tidy: the zeros the variables start from are released (a variable keeps its own reference).
    // tf.zeros, not zerosLike: made on the CPU, so getState() can read the initial slots
    // synchronously on the webgpu engine too (zerosLike runs a GPU kernel there).
    this.slots = variables.map((v) =>
      Object.fromEntries(slotNames.map((name) => [name, tf.tidy(() => tf.variable(tf.zeros(v.shape, v.dtype), false))])),
    );
  }

  /** One update of every variable with its gradient (same order) at learning rate lr. */
  apply(grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    if (tf.getBackend() === 'wasm' && tf.getKernel(OPTIMIZER_STEP, 'wasm') !== undefined && simdKernelsEnabled()) {
      const attrs = this.rule.fused(lr, this.step) as unknown as tf.NamedAttrMap;
      tf.tidy(() => {
        this.variables.forEach((v, i) => {
          const slots = this.slotNames.map((name) => this.slots[i][name]);
          const inputs = Object.fromEntries([['w', v], ['g', grads[i]], ...slots.map((s, k) => [`slot${k}`, s])]);
          const [w, ...updated] = tf.engine().runKernel(OPTIMIZER_STEP, inputs, attrs) as tf.Tensor[];
          v.assign(w);
          slots.forEach((s, k) => s.assign(updated[k]));
        });
      });
      return;
    }
    tf.tidy(() => {
      this.variables.forEach((v, i) => v.assign(this.rule.ops(v, grads[i], this.slots[i], lr, this.step)));
    });
  }

  /** Every slot tensor (for reading them asynchronously before getState: see TrainingLoop.readState). */
  slotTensors(): tf.Tensor[] {
    return this.slots.flatMap((s) => this.slotNames.map((name) => s[name]));
  }

  getState(): OptimizerState {
    const slots = Object.fromEntries(
      this.slotNames.map((name) => [name, this.slots.map((s) => s[name].dataSync() as Float32Array)]),
    );
    return { kind: this.kind, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.kind) throw new Error(`checkpoint optimizer is ${state.kind}, the run uses ${this.kind}`);
    this.step = state.step;
    for (const name of this.slotNames) {
      const values = state.slots[name];
      if (!values || values.length !== this.slots.length) {
        throw new Error(`checkpoint optimizer slot '${name}' has ${values?.length ?? 0} arrays, expected ${this.slots.length}`);
      }
      tf.tidy(() => this.slots.forEach((s, i) => s[name].assign(tf.tensor(values[i], s[name].shape))));
    }
  }

  dispose(): void {
    for (const s of this.slots) for (const v of Object.values(s)) v.dispose();
  }
}

/** L2 weight decay as in torch.optim: wd * w added to the gradient. */
function decayed(g: tf.Tensor, w: tf.Tensor, weightDecay: number): tf.Tensor {
  return weightDecay === 0 ? g : tf.add(g, tf.mul(weightDecay, w));
}

/** torch.optim.SGD (dampening 0): buf = mu buf + g; step along buf, or g + mu buf (Nesterov). */
function sgdRule(momentum: number, nesterov: boolean, weightDecay: number): Rule {
  const ops: Rule['ops'] = (w, g0, slots, lr) => {
    const g = decayed(g0, w, weightDecay);
    if (momentum === 0) return tf.sub(w, tf.mul(lr, g));
    const buf = tf.add(tf.mul(momentum, slots.momentum), g);
    slots.momentum.assign(buf);
    const d = nesterov ? tf.add(g, tf.mul(momentum, buf)) : buf;
    return tf.sub(w, tf.mul(lr, d));
  };
  return { ops, fused: (lr) => ({ rule: 'sgd', lr, momentum, nesterov, weightDecay }) };
}

/** torch.optim.Adam: bias-corrected first and second moments. */
function adamRule(weightDecay: number): Rule {
  const ops: Rule['ops'] = (w, g0, slots, lr, step) => {
    const g = decayed(g0, w, weightDecay);
    const m = tf.add(tf.mul(ADAM_BETA1, slots.m), tf.mul(1 - ADAM_BETA1, g));
    const v = tf.add(tf.mul(ADAM_BETA2, slots.v), tf.mul(1 - ADAM_BETA2, tf.square(g)));
    slots.m.assign(m);
    slots.v.assign(v);
    const mHat = tf.div(m, 1 - ADAM_BETA1 ** step);
    const vHat = tf.div(v, 1 - ADAM_BETA2 ** step);
    return tf.sub(w, tf.mul(lr, tf.div(mHat, tf.add(tf.sqrt(vHat), EPSILON))));
  };
  const fused = (lr: number, step: number): OptimizerStepAttrs => ({
    rule: 'adam', lr, beta1: ADAM_BETA1, oneMinusBeta1: 1 - ADAM_BETA1, beta2: ADAM_BETA2, oneMinusBeta2: 1 - ADAM_BETA2,
    c1: 1 - ADAM_BETA1 ** step, c2: 1 - ADAM_BETA2 ** step, epsilon: EPSILON, weightDecay,
  });
  return { ops, fused };
}

/** torch.optim.RMSprop (not centered): g / (sqrt(mean g^2) + eps), optionally with momentum. */
function rmspropRule(momentum: number, weightDecay: number): Rule {
  const ops: Rule['ops'] = (w, g0, slots, lr) => {
    const g = decayed(g0, w, weightDecay);
    const sq = tf.add(tf.mul(RMSPROP_ALPHA, slots.square), tf.mul(1 - RMSPROP_ALPHA, tf.square(g)));
    slots.square.assign(sq);
    const step = tf.div(g, tf.add(tf.sqrt(sq), EPSILON));
    if (momentum === 0) return tf.sub(w, tf.mul(lr, step));
    const buf = tf.add(tf.mul(momentum, slots.momentum), step);
    slots.momentum.assign(buf);
    return tf.sub(w, tf.mul(lr, buf));
  };
  const fused = (lr: number): OptimizerStepAttrs => ({
    rule: 'rmsprop', lr, alpha: RMSPROP_ALPHA, oneMinusAlpha: 1 - RMSPROP_ALPHA, epsilon: EPSILON, momentum, weightDecay,
  });
  return { ops, fused };
}

/** The optimizer of a spec's train.optimizer section over the given variables. */
export function makeOptimizer(config: TrainConfig['optimizer'], variables: tf.Variable[]): Optimizer {
  const { momentum, nesterov, weightDecay } = config;
  switch (config.kind) {
    case 'sgd':
      return new Optimizer('sgd', variables, momentum === 0 ? [] : ['momentum'], sgdRule(momentum, nesterov, weightDecay));
    case 'adam':
      return new Optimizer('adam', variables, ['m', 'v'], adamRule(weightDecay));
    case 'rmsprop':
      return new Optimizer(
        'rmsprop',
        variables,
        momentum === 0 ? ['square'] : ['square', 'momentum'],
        rmspropRule(momentum, weightDecay),
      );
  }
}

/**
 * Gradient clipping by global norm (Pascanu et al. 2013; tf.clip_by_global_norm): all
 * gradients scaled by maxNorm / max(norm, maxNorm). Returns new tensors.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    return grads.map((g) => tf.mul(g, scale));
  });
}
