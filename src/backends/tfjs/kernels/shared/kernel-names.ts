// Names of the kernels this project adds to tfjs: the layers run them by name
// (layers/batch-norm.ts), the kernels register under them (wasm/batch-norm-train.ts). Apart,
// so a layer (loaded in a browser) does not load the wasm kernel and its Node file reads.
export const BATCH_NORM_TRAIN = 'UnetBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'UnetBatchNormTrainGrad';
