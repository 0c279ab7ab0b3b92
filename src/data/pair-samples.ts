// Decoded image/mask pairs -> Samples: the size and channel checks and the mapping of mask
// values to classes (the spec's mask_values, or the sorted distinct values) that `--data DIR`
// applies (dataset.ts) and the playground's page applies to dropped files, in one place.
import { DataError } from './errors.ts';
import type { Model } from '../language/ir/types.ts';
import type { RawPixels } from './raw-pixels.ts';
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

/** The mask mapping a network asks for: its spec's mask_values, and its number of classes. */
export function maskOptions(ir: Model): FolderDatasetOptions {
  return { maskValues: ir.train.maskValues ?? undefined, numClasses: Math.max(ir.classes, 2) };
}

/** Where a mask came from, for messages: its file, and its page in a stack. */
export interface MaskSource {
  maskPath: string;
  page?: number;
}

/** One pair, read: its image in [0, 1] and its mask's raw values. */
export interface ReadPair extends MaskSource {
  name: string;
  imagePath: string;
  image: Image2D;
  mask: RawPixels;
}

/** A file name, with the page for stacks, for error messages. */
export function fileLabel(path: string, page?: number): string {
  return page === undefined ? path : `${path} (page ${page})`;
}

/** The class index of each distinct mask value; checks the values against the options. */
export function classTable(masks: RawPixels[], sources: readonly MaskSource[], options: FolderDatasetOptions): Map<number, number> {
  const table = new Map<number, number>();
  if (options.maskValues) {
    options.maskValues.forEach((v, k) => table.set(v, k));
    masks.forEach((m, i) => {
      for (let p = 0; p < m.data.length; p++) {
        if (!table.has(m.data[p]!)) {
          const where = `row ${Math.floor(p / m.width)}, column ${p % m.width}`;
          throw new DataError(
            fileLabel(sources[i]!.maskPath, sources[i]!.page),
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
          fileLabel(sources[i]!.maskPath, sources[i]!.page),
          `masks have more distinct values (${values}) than the ${options.numClasses} classes; set \`mask_values V0, V1, ...\` (one mask value per class) in the spec's train section to map them`,
        );
      }
    }
  });
  [...seen].sort((a, b) => a - b).forEach((v, k) => table.set(v, k));
  return table;
}

/** Converts raw mask values to class indices through the table. */
export function toMask(raw: RawPixels, table: Map<number, number>): Mask2D {
  const data = new Uint8Array(raw.data.length);
  for (let i = 0; i < data.length; i++) data[i] = table.get(raw.data[i]!)!;
  return { height: raw.height, width: raw.width, data };
}

/** Checks one pair against its mask and the first pair (size, channels); problems name the file. */
export function checkPair(pair: ReadPair, first: ReadPair | undefined): void {
  const { image, mask } = pair;
  if (image.height !== mask.height || image.width !== mask.width) {
    throw new DataError(
      fileLabel(pair.maskPath, pair.page),
      `mask is ${mask.width}x${mask.height} but its image ${fileLabel(pair.imagePath, pair.page)} is ${image.width}x${image.height}`,
    );
  }
  if (first && image.channels !== first.image.channels) {
    throw new DataError(
      fileLabel(pair.imagePath, pair.page),
      `image has ${image.channels} channels but ${fileLabel(first.imagePath, first.page)} has ${first.image.channels}`,
    );
  }
}

/** The samples of read pairs, each checked, with one class table over all masks. */
export function samplesFromPairs(pairs: readonly ReadPair[], options: FolderDatasetOptions): Sample[] {
  return samplesAndValues(pairs, options).samples;
}

/** samplesFromPairs, with the raw mask value of each class (values[k]: class k), which `unet plan` writes as mask_values. */
export function samplesAndValues(pairs: readonly ReadPair[], options: FolderDatasetOptions): { samples: Sample[]; values: number[] } {
  pairs.forEach((pair) => checkPair(pair, pairs[0]));
  const table = classTable(pairs.map((p) => p.mask), pairs, options);
  const values = [...table].sort((a, b) => a[1] - b[1]).map(([value]) => value);
  return { samples: pairs.map((pair) => ({ name: pair.name, image: pair.image, mask: toMask(pair.mask, table) })), values };
}
