// Folder data sets on disk -> Sample[]: the folder listed, its pairs found by the layout rule
// of pairing.ts, read with sharp, and mapped to classes by pair-samples.ts; errors name the file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.ts';
import { countPages, readImage, readMaskValues } from './image-io.ts';
import { samplesAndValues, type FolderDatasetOptions, type ReadPair } from './pair-samples.ts';
import { planPairs, type FolderListing } from './pairing.ts';
import type { Sample } from './types.ts';

/** One image file (or stack page) and its mask, before reading. */
export interface PairRef {
  name: string;
  imagePath: string;
  maskPath: string;
  page?: number;
}

/** The folder's files and, one level down, its sub-folders' files (pairing.ts's rule sees names only). */
function listFolder(dir: string): FolderListing {
  const listing: FolderListing = { files: [], folders: {} };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) listing.folders[entry.name] = readdirSync(join(dir, entry.name));
    else listing.files.push(entry.name);
  }
  return listing;
}

/** Lists the image/mask pairs of a folder in any supported layout (a stack layout: one pair per page). */
export async function discoverPairs(dir: string): Promise<PairRef[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(dir, 'data folder does not exist');
  const plan = planPairs(dir, listFolder(dir));
  if (plan.kind === 'stacks') return stackPairs(join(dir, plan.images), join(dir, plan.labels));
  return plan.pairs.map((pair) => ({ name: pair.name, imagePath: join(dir, pair.image), maskPath: join(dir, pair.mask) }));
}

/** One pair per page of two multi-page TIFFs (ISBI 2012: train-volume.tif, train-labels.tif). */
async function stackPairs(imagesPath: string, labelsPath: string): Promise<PairRef[]> {
  const pages = await countPages(imagesPath);
  const labelPages = await countPages(labelsPath);
  if (pages !== labelPages) {
    throw new DataError(labelsPath, `has ${labelPages} pages but ${imagesPath} has ${pages}`);
  }
  const width = String(pages - 1).length;
  return Array.from({ length: pages }, (_, page) => ({
    name: String(page).padStart(width, '0'),
    imagePath: imagesPath,
    maskPath: labelsPath,
    page,
  }));
}

/** Loads a folder data set (images/+masks|labels/, imgs/+masks/<stem>_mask, or two TIFF stacks). */
export async function loadFolderDataset(dir: string, options: FolderDatasetOptions = {}): Promise<Sample[]> {
  return (await loadPairs(await discoverPairs(dir), options)).samples;
}

/**
 * A folder data set with every distinct mask value as its own class (sorted), and the raw
 * value of each class: what `unet plan` needs to write `mask_values` for the data.
 */
export async function loadFolderDatasetWithValues(dir: string): Promise<{ samples: Sample[]; values: number[] }> {
  return loadPairs(await discoverPairs(dir), {});
}

/** Loads a pair of multi-page TIFF stacks (one of images, one of labels) given by path. */
export async function loadStackDataset(
  imagesPath: string,
  labelsPath: string,
  options: FolderDatasetOptions = {},
): Promise<Sample[]> {
  return (await loadPairs(await stackPairs(imagesPath, labelsPath), options)).samples;
}

/**
 * A multi-page file in images/ is a volume, which a 2D network cannot take; reading only its
 * first page would silently train on a fraction of the data.
 */
async function refuseVolume(path: string): Promise<void> {
  const pages = await countPages(path);
  if (pages > 1) {
    throw new DataError(
      path,
      `has ${pages} pages, a volume: a 2D network takes 2D images (for a 3D network use a spec with dims 3; ` +
        'for 2D training on slices, put the stacks side by side as *volume*.tif and *labels*.tif)',
    );
  }
}

/** Reads every pair, checks sizes and channel counts, and maps mask values to classes (values[k]: the raw value of class k). */
async function loadPairs(pairs: PairRef[], options: FolderDatasetOptions): Promise<{ samples: Sample[]; values: number[] }> {
  const read: ReadPair[] = [];
  for (const pair of pairs) {
    if (pair.page === undefined) await refuseVolume(pair.imagePath);
    read.push({ ...pair, image: await readImage(pair.imagePath, pair.page), mask: await readMaskValues(pair.maskPath, pair.page) });
  }
  return samplesAndValues(read, options);
}

export { splitDataset } from './split.ts';
