// Each optimizer's update on one scalar against the torch.optim formulas worked by hand.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm, makeOptimizer } from '../../../../src/backends/tfjs/train/optimizers.ts';
import { Schedule } from '../../../../src/backends/tfjs/train/schedules.ts';
import type { TrainConfig } from '../../../../src/language/ir/types.ts';

await tf.setBackend('cpu');

type Opt = TrainConfig['optimizer'];
const base: Opt = { kind: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 };

/** Runs steps with the gradients given, starting from w = 1; returns w after each step. */
function run(config: Opt, grads: number[]): number[] {
  const w = tf.variable(tf.scalar(1));
  const opt = makeOptimizer(config, [w]);
  const out = grads.map((g) => {
    opt.apply([tf.scalar(g)], config.lr);
    return w.dataSync()[0];
  });
  opt.dispose();
  w.dispose();
  return out;
}

describe('optimizers', () => {
  it('plain SGD with weight decay: w -= lr (g + wd w)', () => {
    const [w1] = run({ ...base, weightDecay: 0.5 }, [2]);
    expect(w1).toBeCloseTo(1 - 0.1 * (2 + 0.5), 6);
  });

  it('SGD with momentum 0.99 (U-Net paper): buf = mu buf + g', () => {
    const [w1, w2] = run({ ...base, momentum: 0.99 }, [2, 1]);
    expect(w1).toBeCloseTo(1 - 0.1 * 2, 6);
    expect(w2).toBeCloseTo(w1 - 0.1 * (0.99 * 2 + 1), 6);
  });

  it('SGD with Nesterov momentum: step along g + mu buf', () => {
    const [w1, w2] = run({ ...base, momentum: 0.9, nesterov: true }, [2, 1]);
    expect(w1).toBeCloseTo(1 - 0.1 * (2 + 0.9 * 2), 6);
    const buf = 0.9 * 2 + 1;
    expect(w2).toBeCloseTo(w1 - 0.1 * (1 + 0.9 * buf), 6);
  });

  it('Adam: bias-corrected moments', () => {
    const [w1, w2] = run({ ...base, kind: 'adam', lr: 0.01 }, [2, 1]);
    // Step 1: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps) = lr.
    expect(w1).toBeCloseTo(1 - 0.01, 6);
    const m = 0.9 * 0.1 * 2 + 0.1 * 1;
    const v = 0.999 * 0.001 * 4 + 0.001 * 1;
    const step = (m / (1 - 0.9 ** 2)) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(w2).toBeCloseTo(w1 - 0.01 * step, 6);
  });

  it('RMSprop with momentum 0.9 and weight decay 1e-8 (PyTorch U-Net recipe)', () => {
    const [w1, w2] = run({ ...base, kind: 'rmsprop', lr: 0.001, momentum: 0.9, weightDecay: 1e-8 }, [2, 1]);
    const g1 = 2 + 1e-8;
    const sq1 = 0.01 * g1 * g1;
    const buf1 = g1 / (Math.sqrt(sq1) + 1e-8);
    expect(w1).toBeCloseTo(1 - 0.001 * buf1, 6);
    const g2 = 1 + 1e-8 * w1;
    const sq2 = 0.99 * sq1 + 0.01 * g2 * g2;
    const buf2 = 0.9 * buf1 + g2 / (Math.sqrt(sq2) + 1e-8);
    expect(w2).toBeCloseTo(w1 - 0.001 * buf2, 6);
  });

  it('state round-trips so a restored optimizer continues identically', () => {
    const config: Opt = { ...base, kind: 'adam', lr: 0.01 };
    const a = tf.variable(tf.scalar(1));
    const optA = makeOptimizer(config, [a]);
    optA.apply([tf.scalar(2)], 0.01);
    const b = tf.variable(tf.scalar(a.dataSync()[0]));
    const optB = makeOptimizer(config, [b]);
    optB.setState(optA.getState());
    optA.apply([tf.scalar(1)], 0.01);
    optB.apply([tf.scalar(1)], 0.01);
    expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
  });

  it('clipping by global norm scales all gradients by maxNorm / norm', () => {
    const [g1, g2] = clipByGlobalNorm([tf.tensor1d([3]), tf.tensor1d([4])], 1);
    expect(g1.dataSync()[0]).toBeCloseTo(0.6, 6);
    expect(g2.dataSync()[0]).toBeCloseTo(0.8, 6);
    const [small] = clipByGlobalNorm([tf.tensor1d([0.3])], 1);
    expect(small.dataSync()[0]).toBeCloseTo(0.3, 6);
  });
});

describe('schedules', () => {
  const cfg = { kind: 'constant', patience: 1, factor: 0.5, power: 0.9, minLr: 0 } as TrainConfig['schedule'];

  it('constant, cosine and poly by epoch', () => {
    expect(new Schedule(cfg, 0.1, 10).lr(7)).toBe(0.1);
    const cosine = new Schedule({ ...cfg, kind: 'cosine' }, 0.1, 10);
    expect(cosine.lr(0)).toBeCloseTo(0.1, 9);
    expect(cosine.lr(5)).toBeCloseTo(0.05, 9);
    const poly = new Schedule({ ...cfg, kind: 'poly', power: 2 }, 0.1, 10);
    expect(poly.lr(5)).toBeCloseTo(0.1 * 0.25, 9);
  });

  it('cosine and poly by the elapsed fraction of a time budget, held at the end past it', () => {
    const cosine = new Schedule({ ...cfg, kind: 'cosine', minLr: 0.01 }, 0.1, 10);
    expect(cosine.lrAt(0)).toBeCloseTo(0.1, 9);
    expect(cosine.lrAt(0.5)).toBeCloseTo(0.055, 9);
    // cos(pi / 4) at a quarter: 0.01 + 0.09 (1 + 0.7071...) / 2.
    expect(cosine.lrAt(0.25)).toBeCloseTo(0.01 + (0.09 * (1 + Math.SQRT1_2)) / 2, 9);
    expect(cosine.lrAt(1.3)).toBeCloseTo(0.01, 9); // the last step may end past the budget
    const poly = new Schedule({ ...cfg, kind: 'poly', power: 2 }, 0.1, 10);
    expect(poly.lrAt(0.75)).toBeCloseTo(0.1 * 0.0625, 9);
    expect(new Schedule(cfg, 0.1, 10).lrAt(0.9)).toBe(0.1);
  });

  it('plateau: halves the rate after more than `patience` epochs without a better Dice', () => {
    const s = new Schedule({ ...cfg, kind: 'plateau', minLr: 0.03 }, 0.1, 10);
    const rates = [0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7, 0.7, 0.7].map((dice) => {
      s.endEpoch(dice);
      return s.lr(0);
    });
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03]);
  });
});
