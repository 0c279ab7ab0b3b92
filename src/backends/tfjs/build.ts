// The entry points for the rest of the project: a tfjs model for an IR model at a given
// input size, and the same network rebuilt for another size with its weights (valid
// padding needs static sizes for its crops, so a new size means a new tfjs model; the
// weights do not depend on the size).
import type * as tf from '@tensorflow/tfjs';
import type { Model } from '../../language/ir/types.ts';
import { withInputSize } from '../../language/shapes/infer.ts';
import { lowerModel } from './lower.ts';

export interface BuildOptions {
  /** Spatial input size ([H, W] or [D, H, W]); default: the IR's own. */
  inputSize?: number[];
  /** Seed of the initial kernels; default: the spec's train.seed. */
  seed?: number;
}

function sized(ir: Model, inputSize: number[] | undefined): Model {
  if (inputSize) return withInputSize(ir, inputSize);
  if (ir.padding === 'valid' && ir.input.size.some((n) => n === null)) {
    throw new Error(
      `tfjs backend: '${ir.name}' uses valid padding, whose skip crops need a fixed input size, but its input size is [${ir.input.size.map(String)}]: pass inputSize`,
    );
  }
  return ir;
}

/** A tfjs model of the IR with seeded initial weights. */
export function buildModel(ir: Model, options: BuildOptions = {}): tf.LayersModel {
  return lowerModel(sized(ir, options.inputSize), { seed: options.seed }).model;
}

/** The same network at another spatial input size, with `trained`'s weights. */
export function rebuildForSize(trained: tf.LayersModel, ir: Model, size: number[]): tf.LayersModel {
  const { model } = lowerModel(withInputSize(ir, size), { initialize: false });
  for (const layer of trained.layers) {
    if (layer.weights.length > 0) model.getLayer(layer.name).setWeights(layer.getWeights());
  }
  return model;
}
