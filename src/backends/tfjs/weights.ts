// tfjs layer weights <-> the backend-neutral weights of the IR (language/ir/weights.ts):
// tfjs kernels are [k..., cin, cout], the neutral (ONNX) layout is [cout, cin, k...].
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../../language/ir/types.ts';
import type { ModelWeights, NodeWeights, WeightArray } from '../../language/ir/weights.ts';
import { layerName } from './lower.ts';

/** tfjs weight names (the part after the last '/') and where each goes. */
const TFJS_NAMES: Record<string, keyof NodeWeights> = {
  kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  moving_mean: 'mean',
  moving_variance: 'variance',
};

/** "enc1.conv1/kernel" (tfjs may append _1 when a name repeats) -> kernel. */
const weightKey = (name: string): keyof NodeWeights | undefined =>
  TFJS_NAMES[name.slice(name.lastIndexOf('/') + 1).replace(/_\d+$/, '')];

/**
 * tfjs kernels are [k..., cin, cout] (conv) and [k..., cout, cin] (conv transpose); ONNX
 * wants [cout, cin, k...] and [cin, cout, k...]: both are the permutation that moves the
 * last two axes to the front in reverse order, 3,2,0,1 in 2D (docs/facts.md#tfjs-to-onnx, verified numerically).
 */
function kernelToOnnx(kernel: tf.Tensor): WeightArray {
  const rank = kernel.rank;
  const perm = [rank - 1, rank - 2, ...Array.from({ length: rank - 2 }, (_, i) => i)];
  const permuted = tf.transpose(kernel, perm);
  const result = { data: (permuted.dataSync() as Float32Array).slice(), shape: permuted.shape };
  permuted.dispose();
  return result;
}

/** The inverse of kernelToOnnx: ONNX [cout, cin, k...] / [cin, cout, k...] -> tfjs [k..., cin, cout] / [k..., cout, cin]. */
function kernelToTfjs(kernel: WeightArray): tf.Tensor {
  const rank = kernel.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1, 0];
  return tf.tidy(() => tf.transpose(tf.tensor(kernel.data, kernel.shape), perm));
}

/**
 * Reads the weights of every parametrised IR node from the tfjs layer named after the
 * node's id (src/backends/tfjs/lower.ts, layerName).
 */
export function weightsFromTfjs(tfModel: tf.LayersModel, irModel: Model): ModelWeights {
  const weights: ModelWeights = new Map();
  for (const node of irModel.nodes) {
    if (node.op !== 'conv' && node.op !== 'conv_transpose' && node.op !== 'norm') continue;
    const layer = tfModel.getLayer(layerName(node.id));
    const nodeWeights: NodeWeights = {};
    for (const variable of layer.weights) {
      const key = weightKey(variable.name);
      if (key === undefined) throw new Error(`layer ${node.id}: unexpected weight ${variable.name}`);
      const value = variable.read();
      nodeWeights[key] =
        key === 'kernel' ? kernelToOnnx(value) : { data: (value.dataSync() as Float32Array).slice(), shape: value.shape };
    }
    weights.set(node.id, nodeWeights);
  }
  return weights;
}

/** Writes weights (ONNX layouts) into the tfjs layers named after the IR nodes: the inverse of weightsFromTfjs. */
export function setTfjsWeights(tfModel: tf.LayersModel, irModel: Model, weights: ModelWeights): void {
  for (const [id, nodeWeights] of weights) {
    const layer = tfModel.getLayer(layerName(id));
    for (const variable of layer.weights) {
      const key = weightKey(variable.name);
      const value = key === undefined ? undefined : nodeWeights[key];
      if (value === undefined) throw new Error(`layer ${id} of ${irModel.name}: no value for its weight ${variable.name}`);
      const tensor = key === 'kernel' ? kernelToTfjs(value) : tf.tensor(value.data, value.shape);
      variable.write(tensor);
      tensor.dispose();
    }
  }
}
