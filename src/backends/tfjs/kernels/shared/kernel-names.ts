// Names of the kernels this project adds to tfjs: the layers run them by name
// (layers/batch-norm.ts, train/optimizers.ts), the kernels register under them (wasm/). Apart,
// so a layer or the training loop (loaded in a browser) does not load the wasm kernel and its
// Node file reads.
export const BATCH_NORM_TRAIN = 'UnetBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'UnetBatchNormTrainGrad';

/**
 * One optimizer update of one variable as a single wasm kernel (simd/optimizer-step.as.ts)
 * instead of the chain of about ten elementwise tfjs kernels of train/optimizers.ts, with
 * bit-identical results. Inputs: w, g and the rule's slots (in the optimizer's slot order);
 * outputs: the new w and the new slots, in the same order.
 */
export const OPTIMIZER_STEP = 'UnetOptimizerStep';

/** The float32 constants of each rule, as train/optimizers.ts feeds them to tfjs. */
export type OptimizerStepAttrs =
  | { rule: 'sgd'; lr: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { rule: 'adam'; lr: number; beta1: number; oneMinusBeta1: number; beta2: number; oneMinusBeta2: number; c1: number; c2: number; epsilon: number; weightDecay: number }
  | { rule: 'rmsprop'; lr: number; alpha: number; oneMinusAlpha: number; epsilon: number; momentum: number; weightDecay: number };
