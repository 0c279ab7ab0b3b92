// Tiny hand-built networks and data for the training tests (seconds, not minutes, on cpu).
import * as tf from '@tensorflow/tfjs';
import { makeEllipses } from '../../../../src/data/ellipses.ts';
import type { Sample } from '../../../../src/data/types.ts';
import type { TrainConfig } from '../../../../src/language/ir/types.ts';
import type { Prepared } from '../../../../src/backends/tfjs/train/batches.ts';

/** conv 3x3 -> batch norm -> relu -> dropout -> conv 1x1 softmax, seeded initial weights. */
export function tinyModel(size = 16, channels = 1, classes = 2, seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const input = tf.input({ shape: [size, size, channels], name: 'input' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'enc1.conv1', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'enc1.norm1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu', name: 'enc1.act1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2, seed, name: 'enc1.drop' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'enc1.conv2', activation: 'relu', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ filters: classes, kernelSize: 1, activation: 'softmax', name: 'head', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

export function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    loss: 'ce_dice',
    optimizer: { kind: 'adam', lr: 0.02, momentum: 0.9, nesterov: false, weightDecay: 0 },
    schedule: { kind: 'constant', patience: 2, factor: 0.5, power: 0.9, minLr: 0 },
    batch: 4,
    epochs: 2,
    clip: 1,
    valSplit: 0.25,
    seed: 7,
    crop: null,
    weightMap: null,
    augment: { elastic: null, flip: false, rotate90: false, rotate: 0, shift: 0, brightness: 0, contrast: 0, gamma: 0 },
    normalize: 'unit',
    maskValues: null,
    ...overrides,
  };
}

/** A sample used as it is (same-padding net at the images' size, no augmentation). */
export const asIs = (s: Sample): Prepared => ({ image: s.image, mask: s.mask, weights: null });

/** builtin:ellipses at 16x16: the first 4 for validation, the rest for training. */
export function tinyData(count = 16, size = 16): { train: Sample[]; val: Prepared[] } {
  const samples = makeEllipses({ count, size, seed: 3 });
  return { train: samples.slice(4), val: samples.slice(0, 4).map(asIs) };
}

/** All weights of a model as one flat array, for exact comparisons. */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.weights.map((w) => w.read().dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A valid-padding net (36 -> 20) trained on crops with the weighted cross-entropy of the U-Net paper. */
export const VALID_SPEC = `unet TinyValid {
  input   1 x 36 x 36
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding valid
  down    maxpool 2x2
  up      transposed 2x2
  skip    concat
  train {
    loss       weighted_ce
    weight_map w0 10 sigma 5
    crop       36
    augment { flip }
    epochs     1
  }
}
`;
