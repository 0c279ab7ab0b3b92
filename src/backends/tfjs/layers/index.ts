// The custom layers of the tfjs backend. Importing this module registers them with
// tf.serialization, which loading a saved model needs. Browser-safe: this is the package's
// `unet-dsl/tfjs` entry, for a web app that loads a run's model.json.
import { BatchNorm } from './batch-norm.ts';
import { BatchNorm3D } from './batch-norm-3d.ts';
import { Crop3D } from './crop.ts';
import { GroupNorm } from './group-norm.ts';
import { PixelShuffle } from './pixel-shuffle.ts';
import { Resize } from './resize.ts';
import { SpatialMean } from './spatial-mean.ts';

export { BatchNorm, BatchNorm3D, Crop3D, GroupNorm, PixelShuffle, Resize, SpatialMean };

/**
 * Makes sure the project's custom layers are registered with tf.serialization, so that
 * `tf.loadLayersModel('.../model.json')` can rebuild a trained run's model. Importing this
 * module already registers them; calling it says so in the code and keeps a bundler from
 * dropping the import. Returns the registered class names.
 */
export function registerLayers(): string[] {
  return [BatchNorm, BatchNorm3D, Crop3D, GroupNorm, PixelShuffle, Resize, SpatialMean].map((layer) => layer.className);
}
