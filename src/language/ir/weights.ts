// Weights in a backend-neutral form, keyed by IR node id, in ONNX (= PyTorch) layouts.
// Every backend converts to and from this: tfjs (src/backends/tfjs/weights.ts), the ONNX
// lowering and import, the PyTorch emitter; so no backend needs another one's code.

/** A dense float32 array in row-major order with its shape. */
export interface WeightArray {
  data: Float32Array;
  shape: number[];
}

/**
 * The weights of one IR node, in ONNX layouts:
 * - conv: `kernel` [cout, cin, k...] (ONNX Conv W), `bias` [cout]
 * - conv_transpose: `kernel` [cin, cout, k...] (ONNX ConvTranspose W), `bias` [cout]
 * - norm: `gamma` (scale) and `beta` (offset) [channels]; batch norm also `mean` and
 *   `variance` [channels] (the running statistics used at inference)
 */
export interface NodeWeights {
  kernel?: WeightArray;
  bias?: WeightArray;
  gamma?: WeightArray;
  beta?: WeightArray;
  mean?: WeightArray;
  variance?: WeightArray;
}

export type ModelWeights = Map<string, NodeWeights>;
