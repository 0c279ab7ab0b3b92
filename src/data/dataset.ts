// Folder data sets -> Sample[]: the layouts people actually download, with class mapping
// and errors that name the offending file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DataError } from './errors.ts';
import { countPages, readImage, readMaskValues, type RawPixels } from './image-io.ts';
import type { Image2D, Mask2D, Sample } from './types.ts';

/** How mask pixel values become class indices. */
export interface FolderDatasetOptions {
  /**
   * Class k is the pixel value maskValues[k]. ISBI 2012 labels (255 = cell, 0 = membrane)
   * with `[255, 0]` make the membrane class 1, the paper's target. Without it, the sorted
   * distinct values of all masks become classes 0, 1, ... (0/255 -> 0/1).
   */
  maskValues?: readonly number[];
  /** Expected number of classes; more distinct mask values than this is an error. */
  numClasses?: number;
}

// .gif: the Carvana masks of the PyTorch reference are GIFs.
const IMAGE_EXTENSIONS = new Set(['.png', '.tif', '.tiff', '.jpg', '.jpeg', '.webp', '.gif']);

/** One image file (or stack page) and its mask, before reading. */
export interface PairRef {
  name: string;
  imagePath: string;
  maskPath: string;
  page?: number;
}

/** Image files in a folder, by stem, sorted by name so the order is deterministic. */
function listImages(dir: string): Map<string, string> {
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  const byStem = new Map<string, string>();
  for (const f of files) {
    const stem = basename(f, extname(f));
    if (byStem.has(stem)) {
      throw new DataError(join(dir, f), `two files share the stem '${stem}' (${byStem.get(stem)} and ${f})`);
    }
    byStem.set(stem, join(dir, f));
  }
  return byStem;
}

/** Matches images to masks; maskStem maps an image stem to the stem its mask must have. */
function pairFolders(imageDir: string, maskDir: string, maskStem: (stem: string) => string): PairRef[] {
  const images = listImages(imageDir);
  const masks = listImages(maskDir);
  if (images.size === 0) throw new DataError(imageDir, 'folder contains no images (.png, .tif, .jpg, .webp, .gif)');
  if (masks.size === 0) throw new DataError(maskDir, 'folder contains no masks');
  const pairs: PairRef[] = [];
  const used = new Set<string>();
  for (const [stem, imagePath] of images) {
    const maskPath = masks.get(maskStem(stem));
    if (!maskPath) {
      throw new DataError(imagePath, `image has no mask (expected ${join(maskDir, maskStem(stem))}.<ext>)`);
    }
    used.add(maskStem(stem));
    pairs.push({ name: stem, imagePath, maskPath });
  }
  for (const [stem, maskPath] of masks) {
    if (!used.has(stem)) throw new DataError(maskPath, `mask has no image in ${imageDir}`);
  }
  return pairs;
}

/** Finds an ISBI 2012 style pair of stacks in a folder: *volume*.tif and *label*.tif. */
function findStackPair(dir: string): { images: string; labels: string } | null {
  const tiffs = readdirSync(dir).filter((f) => /\.tiff?$/i.test(f));
  const images = tiffs.filter((f) => /volume|image/i.test(f));
  const labels = tiffs.filter((f) => /label|mask/i.test(f));
  if (images.length === 1 && labels.length === 1) {
    return { images: join(dir, images[0]), labels: join(dir, labels[0]) };
  }
  return null;
}

/** Lists the image/mask pairs of a folder in any supported layout (a stack layout: one pair per page). */
export async function discoverPairs(dir: string): Promise<PairRef[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(dir, 'data folder does not exist');
  const sub = (name: string) => existsSync(join(dir, name)) && statSync(join(dir, name)).isDirectory();
  if (sub('images') && (sub('masks') || sub('labels'))) {
    return pairFolders(join(dir, 'images'), join(dir, sub('masks') ? 'masks' : 'labels'), (s) => s);
  }
  // milesial/Pytorch-UNet layout: data/imgs/<stem>.jpg with data/masks/<stem>_mask.gif.
  if (sub('imgs') && sub('masks')) {
    return pairFolders(join(dir, 'imgs'), join(dir, 'masks'), (s) => `${s}_mask`);
  }
  const stacks = findStackPair(dir);
  if (stacks) return stackPairs(stacks.images, stacks.labels);
  throw new DataError(
    dir,
    'no data found: expected images/ with masks/ or labels/, imgs/ with masks/ (<stem>_mask.<ext>), ' +
      'or a pair of multi-page TIFFs (*volume*.tif and *labels*.tif)',
  );
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

/** The class index of each distinct mask value; checks the values against the options. */
export function classTable(masks: RawPixels[], pairs: PairRef[], options: FolderDatasetOptions): Map<number, number> {
  const table = new Map<number, number>();
  if (options.maskValues) {
    options.maskValues.forEach((v, k) => table.set(v, k));
    masks.forEach((m, i) => {
      for (let p = 0; p < m.data.length; p++) {
        if (!table.has(m.data[p])) {
          const where = `row ${Math.floor(p / m.width)}, column ${p % m.width}`;
          throw new DataError(
            label(pairs[i].maskPath, pairs[i].page),
            `mask value ${m.data[p]} at ${where} is not in the class list [${options.maskValues!.join(', ')}]`,
          );
        }
      }
    });
    return table;
  }
  const seen = new Set<number>();
  masks.forEach((m, i) => {
    for (const v of m.data) {
      if (seen.has(v)) continue;
      seen.add(v);
      if (options.numClasses !== undefined && seen.size > options.numClasses) {
        const values = [...seen].sort((a, b) => a - b).join(', ');
        throw new DataError(
          label(pairs[i].maskPath, pairs[i].page),
          `masks have more distinct values (${values}) than the ${options.numClasses} classes; set \`mask_values V0, V1, ...\` (one mask value per class) in the spec's train section to map them`,
        );
      }
    }
  });
  [...seen].sort((a, b) => a - b).forEach((v, k) => table.set(v, k));
  return table;
}

/** A file name, with the page for stacks, for error messages. */
function label(path: string, page?: number): string {
  return page === undefined ? path : `${path} (page ${page})`;
}

/** Converts raw mask values to class indices through the table. */
export function toMask(raw: RawPixels, table: Map<number, number>): Mask2D {
  const data = new Uint8Array(raw.data.length);
  for (let i = 0; i < data.length; i++) data[i] = table.get(raw.data[i])!;
  return { height: raw.height, width: raw.width, data };
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
  const images: Image2D[] = [];
  const masks: RawPixels[] = [];
  for (const pair of pairs) {
    if (pair.page === undefined) await refuseVolume(pair.imagePath);
    const image = await readImage(pair.imagePath, pair.page);
    const mask = await readMaskValues(pair.maskPath, pair.page);
    if (image.height !== mask.height || image.width !== mask.width) {
      throw new DataError(
        label(pair.maskPath, pair.page),
        `mask is ${mask.width}x${mask.height} but its image ${label(pair.imagePath, pair.page)} is ${image.width}x${image.height}`,
      );
    }
    if (images.length > 0 && image.channels !== images[0].channels) {
      throw new DataError(
        label(pair.imagePath, pair.page),
        `image has ${image.channels} channels but ${label(pairs[0].imagePath, pairs[0].page)} has ${images[0].channels}`,
      );
    }
    images.push(image);
    masks.push(mask);
  }
  const table = classTable(masks, pairs, options);
  const values = [...table].sort((a, b) => a[1] - b[1]).map(([value]) => value);
  return { samples: pairs.map((pair, i) => ({ name: pair.name, image: images[i], mask: toMask(masks[i], table) })), values };
}

export { splitDataset } from './split.ts';
