// Folder data sets of volumes -> VolumeSample[], for 3D networks: images/ with masks/ (or
// labels/, or imgs/ with masks/<stem>_mask) holding one multi-page TIFF per volume, page k
// being slice k, with matching stems. A pair of ISBI-style stacks (*volume*.tif,
// *labels*.tif) is one volume here; a 2D network reads the same pair as many 2D slices.
import { basename, extname } from 'node:path';
import { discoverPairs, type PairRef } from './dataset.ts';
import { classTable, toMask, type FolderDatasetOptions } from './pair-samples.ts';
import { DataError } from './errors.ts';
import type { RawPixels } from './raw-pixels.ts';
import type { Volume, VolumeSample } from './types.ts';
import { readMaskVolumePages, readVolume } from './volume-io.ts';
import { stackMasks } from './volume.ts';

/** The volume pairs of a folder: a stack layout (one pair per page) becomes one pair. */
async function discoverVolumePairs(dir: string): Promise<PairRef[]> {
  const pairs = await discoverPairs(dir);
  if (pairs[0].page === undefined) return pairs;
  const { imagePath, maskPath } = pairs[0];
  return [{ name: basename(imagePath, extname(imagePath)), imagePath, maskPath }];
}

/** Loads a folder of volumes; every problem is a DataError naming the file (and page). */
export async function loadVolumeDataset(dir: string, options: FolderDatasetOptions = {}): Promise<VolumeSample[]> {
  const pairs = await discoverVolumePairs(dir);
  const images: Volume[] = [];
  const pages: RawPixels[][] = [];
  for (const pair of pairs) {
    const image = await readVolume(pair.imagePath);
    if (image.depth === 1) {
      throw new DataError(
        pair.imagePath,
        'is a single 2D image (1 page): a 3D network takes volumes, one multi-page TIFF per volume with one page per slice',
      );
    }
    const mask = await readMaskVolumePages(pair.maskPath);
    const [first] = mask;
    if (mask.length !== image.depth || first.height !== image.height || first.width !== image.width) {
      throw new DataError(
        pair.maskPath,
        `mask volume is ${first.width}x${first.height}x${mask.length} (W x H x pages) but its image ${pair.imagePath} is ${image.width}x${image.height}x${image.depth}`,
      );
    }
    if (images.length > 0 && image.channels !== images[0].channels) {
      throw new DataError(pair.imagePath, `volume has ${image.channels} channels but ${pairs[0].imagePath} has ${images[0].channels}`);
    }
    images.push(image);
    pages.push(mask);
  }
  // One class table over every page of every mask, so an unknown value is named by file and page.
  const pageRefs = pairs.flatMap((pair, i) => pages[i].map((_, page) => ({ ...pair, page })));
  const table = classTable(pages.flat(), pageRefs, options);
  return pairs.map((pair, i) => ({ name: pair.name, image: images[i], mask: stackMasks(pages[i].map((p) => toMask(p, table))) }));
}
