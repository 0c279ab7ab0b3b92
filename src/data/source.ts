// The one loader of the CLI's --data argument (train, eval, augment-preview), free of any
// backend: `builtin:ellipses` (synthetic images, ellipses.ts) or a folder in one of the
// layouts of dataset.ts for 2D networks; `builtin:ellipsoids` (synthetic volumes,
// ellipsoids.ts) or a folder of volumes (volume-dataset.ts) for 3D networks.
import { loadFolderDataset, loadFolderDatasetWithValues } from './dataset.ts';
import { makeEllipses } from './ellipses.ts';
import { makeEllipsoids } from './ellipsoids.ts';
import { maskOptions } from './pair-samples.ts';
import type { Sample, VolumeSample } from './types.ts';
import { loadVolumeDataset } from './volume-dataset.ts';
import type { Model } from '../language/ir/types.ts';

export const BUILTIN_ELLIPSES = 'builtin:ellipses';
export const BUILTIN_ELLIPSOIDS = 'builtin:ellipsoids';
/** Images in builtin:ellipses: enough for Dice >= 0.9 within the `npm start` time budget. */
export const ELLIPSES_COUNT = 480;
/** Image size of builtin:ellipses when the spec leaves the input size open. */
const ELLIPSES_SIZE = 64;
/** Volumes in builtin:ellipsoids, and their edge length when the spec leaves the size open. */
export const ELLIPSOIDS_COUNT = 64;
const ELLIPSOIDS_SIZE = 32;

/** The built-in set a name asks for and its count (N of `builtin:NAME:N`), or an error naming both sets. */
function builtin(data: string): { name: string; count: number | null } {
  const match = /^(builtin:(?:ellipses|ellipsoids))(?::(\d+))?$/.exec(data);
  if (!match) {
    throw new Error(`unknown built-in data set '${data}': expected ${BUILTIN_ELLIPSES}[:N] (2D images) or ${BUILTIN_ELLIPSOIDS}[:N] (3D volumes)`);
  }
  return { name: match[1], count: match[2] ? Number(match[2]) : null };
}

/** A built-in set of the wrong dimensionality, refused with the one to use. */
function wrongDims(name: string, ir: Model): Error {
  const [kind, other] = ir.dims === 3 ? ['2D images', BUILTIN_ELLIPSOIDS] : ['3D volumes', BUILTIN_ELLIPSES];
  return new Error(`${name} holds ${kind}, but ${ir.name} is a ${ir.dims}D network: use ${other}`);
}

/**
 * Loads the training data of a 2D network; folder problems throw DataError naming the file.
 * `builtin:ellipses:N` asks for N images instead of ELLIPSES_COUNT (quick experiments, tests).
 */
export async function loadTrainingData(data: string, ir: Model): Promise<Sample[]> {
  if (data.startsWith('builtin:')) {
    const { name, count } = builtin(data);
    if (name !== BUILTIN_ELLIPSES) throw wrongDims(name, ir);
    const size = ir.input.size[0] ?? ELLIPSES_SIZE;
    return makeEllipses({ count: count ?? ELLIPSES_COUNT, size, seed: ir.train.seed });
  }
  return loadFolderDataset(data, maskOptions(ir));
}

/**
 * Loads the training data of a 3D network: `builtin:ellipsoids[:N]` (cubes as large as the
 * spec's largest fixed axis) or a folder of multi-page TIFF volumes.
 */
export async function loadVolumeData(data: string, ir: Model): Promise<VolumeSample[]> {
  if (data.startsWith('builtin:')) {
    const { name, count } = builtin(data);
    if (name !== BUILTIN_ELLIPSOIDS) throw wrongDims(name, ir);
    const fixed = ir.input.size.filter((s): s is number => s !== null);
    const size = fixed.length > 0 ? Math.max(...fixed) : ELLIPSOIDS_SIZE;
    return makeEllipsoids({ count: count ?? ELLIPSOIDS_COUNT, size, seed: ir.train.seed });
  }
  return loadVolumeDataset(data, maskOptions(ir));
}

/**
 * The 2D data of --data before any spec exists (`unet plan`): every distinct mask value its
 * own class, with the raw value of each class (null for built-in sets, whose masks are
 * class indices already).
 */
export async function loadDataForPlanning(data: string): Promise<{ samples: Sample[]; values: number[] | null }> {
  if (data.startsWith('builtin:')) {
    const { name, count } = builtin(data);
    if (name !== BUILTIN_ELLIPSES) throw new Error(`${name} holds 3D volumes; unet plan plans 2D networks: use ${BUILTIN_ELLIPSES} or a folder of 2D images`);
    // Seed 1: the seed `unet plan` writes into the spec, so the plan sees the images training will.
    return { samples: makeEllipses({ count: count ?? ELLIPSES_COUNT, size: ELLIPSES_SIZE, seed: 1 }), values: null };
  }
  return loadFolderDatasetWithValues(data);
}

/** The training data of a network of either dimensionality: images for 2D, volumes for 3D. */
export async function loadSamples(data: string, ir: Model): Promise<Sample[] | VolumeSample[]> {
  return ir.dims === 3 ? loadVolumeData(data, ir) : loadTrainingData(data, ir);
}
