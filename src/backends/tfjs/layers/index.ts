// The custom layers of the tfjs backend. Importing this module registers them with
// tf.serialization, which loading a saved model needs.
export { BatchNorm } from './batch-norm.ts';
export { BatchNorm3D } from './batch-norm-3d.ts';
export { Crop3D } from './crop.ts';
export { GroupNorm } from './group-norm.ts';
export { PixelShuffle } from './pixel-shuffle.ts';
export { Resize } from './resize.ts';
export { SpatialMean } from './spatial-mean.ts';
