// Which image goes with which mask in a data folder: the one rule of `--data DIR` (dataset.ts
// reads a folder on disk with it) and of image/mask files dropped into the playground's network
// page (playground/network/pairs.ts). It sees names only, no file system, so a browser can use it.
import { DataError } from './errors.ts';

/** A folder's contents one level down: its own file names, and the file names of each sub-folder. */
export interface FolderListing {
  files: string[];
  folders: Record<string, string[]>;
}

/** One image and its mask, as paths relative to the folder ('images/a.png'). */
export interface NamedPair {
  name: string;
  image: string;
  mask: string;
}

/** Either image/mask file pairs, or two multi-page TIFF stacks paired page by page. */
export type PairPlan = { kind: 'pairs'; pairs: NamedPair[] } | { kind: 'stacks'; images: string; labels: string };

// .gif: the Carvana masks of the PyTorch reference are GIFs.
const IMAGE_EXTENSIONS = new Set(['.png', '.tif', '.tiff', '.jpg', '.jpeg', '.webp', '.gif']);
/** The flat layout (and milesial/Pytorch-UNet's masks/): the mask of `a.png` is `a_mask.<ext>`. */
const MASK_SUFFIX = '_mask';

const extension = (name: string) => (name.lastIndexOf('.') > 0 ? name.slice(name.lastIndexOf('.')).toLowerCase() : '');
const stemOf = (name: string) => name.slice(0, name.length - extension(name).length);

/** `root/rel` for messages (root '' in the page, whose files have no folder). */
export const under = (root: string, rel: string) => (root === '' ? rel : `${root}/${rel}`);

/** Image files among names, by stem, sorted by name so the order is deterministic. */
function imagesByStem(root: string, folder: string, names: readonly string[]): Map<string, string> {
  const prefix = folder === '' ? '' : `${folder}/`;
  const files = names.filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.has(extension(f))).sort();
  const byStem = new Map<string, string>();
  for (const f of files) {
    const stem = stemOf(f);
    if (byStem.has(stem)) {
      throw new DataError(under(root, prefix + f), `two files share the stem '${stem}' (${byStem.get(stem)!.slice(prefix.length)} and ${f})`);
    }
    byStem.set(stem, prefix + f);
  }
  return byStem;
}

/** Matches images to masks; maskStem maps an image stem to the stem its mask must have. Folders '' are the root (flat). */
function matchStems(root: string, images: Map<string, string>, masks: Map<string, string>, maskStem: (stem: string) => string, imageFolder: string, maskFolder: string): NamedPair[] {
  const pairs: NamedPair[] = [];
  const used = new Set<string>();
  for (const [stem, image] of images) {
    const mask = masks.get(maskStem(stem));
    if (!mask) throw new DataError(under(root, image), `image has no mask (expected ${under(root, under(maskFolder, maskStem(stem)))}.<ext>)`);
    used.add(maskStem(stem));
    pairs.push({ name: stem, image, mask });
  }
  for (const [stem, mask] of masks) {
    if (used.has(stem)) continue;
    const where = imageFolder === '' ? `(expected ${stem.slice(0, -MASK_SUFFIX.length)}.<ext>)` : `in ${under(root, imageFolder)}`;
    throw new DataError(under(root, mask), `mask has no image ${where}`);
  }
  return pairs;
}

/** Pairs the images of one sub-folder with the masks of another. */
function pairFolders(root: string, listing: FolderListing, imageFolder: string, maskFolder: string, maskStem: (stem: string) => string): NamedPair[] {
  const images = imagesByStem(root, imageFolder, listing.folders[imageFolder]!);
  const masks = imagesByStem(root, maskFolder, listing.folders[maskFolder]!);
  if (images.size === 0) throw new DataError(under(root, imageFolder), 'folder contains no images (.png, .tif, .jpg, .webp, .gif)');
  if (masks.size === 0) throw new DataError(under(root, maskFolder), 'folder contains no masks');
  return matchStems(root, images, masks, maskStem, imageFolder, maskFolder);
}

/** An ISBI 2012 style pair of stacks among the folder's files: *volume*.tif and *label*.tif. */
function findStacks(files: readonly string[]): { images: string; labels: string } | null {
  const tiffs = files.filter((f) => /\.tiff?$/i.test(f));
  const images = tiffs.filter((f) => /volume|image/i.test(f));
  const labels = tiffs.filter((f) => /label|mask/i.test(f));
  return images.length === 1 && labels.length === 1 ? { images: images[0]!, labels: labels[0]! } : null;
}

/** Flat: `a.png` beside `a_mask.png` in one folder (also what files dropped into the page are). */
function pairFlat(root: string, files: readonly string[]): NamedPair[] | null {
  const all = imagesByStem(root, '', files);
  const masks = new Map([...all].filter(([stem]) => stem.endsWith(MASK_SUFFIX)));
  if (masks.size === 0) return null;
  const images = new Map([...all].filter(([stem]) => !stem.endsWith(MASK_SUFFIX)));
  return matchStems(root, images, masks, (s) => s + MASK_SUFFIX, '', '');
}

export const LAYOUTS =
  'images/ with masks/ or labels/, imgs/ with masks/ (<stem>_mask.<ext>), a pair of multi-page TIFFs (*volume*.tif and *labels*.tif), ' +
  'or images beside their masks (<stem>.<ext> and <stem>_mask.<ext>)';

/**
 * The pairs of a folder in the first layout that fits: images/ + masks/ (or labels/) with the
 * same stems; imgs/ + masks/<stem>_mask (milesial/Pytorch-UNet); two TIFF stacks; or flat
 * `<stem>` + `<stem>_mask` files. Problems throw DataError naming the file (under root).
 */
export function planPairs(root: string, listing: FolderListing): PairPlan {
  const has = (name: string) => listing.folders[name] !== undefined;
  if (has('images') && (has('masks') || has('labels'))) {
    return { kind: 'pairs', pairs: pairFolders(root, listing, 'images', has('masks') ? 'masks' : 'labels', (s) => s) };
  }
  if (has('imgs') && has('masks')) return { kind: 'pairs', pairs: pairFolders(root, listing, 'imgs', 'masks', (s) => s + MASK_SUFFIX) };
  const stacks = findStacks(listing.files);
  if (stacks) return { kind: 'stacks', ...stacks };
  const flat = pairFlat(root, listing.files);
  if (flat) return { kind: 'pairs', pairs: flat };
  throw new DataError(root === '' ? 'the files' : root, `no data found: expected ${LAYOUTS}`);
}

/**
 * The listing of files given by relative paths ('images/a.png'), and the folder they all
 * start with ('data/' for 'data/images/a.png', as a folder chosen or dropped in a browser
 * gives them; else ''), which the plan's paths leave out.
 */
export function listingOf(paths: readonly string[]): { listing: FolderListing; top: string } {
  const first = paths[0]?.split('/')[0] ?? '';
  const top = paths.length > 0 && paths.every((p) => p.startsWith(`${first}/`)) ? `${first}/` : '';
  const listing: FolderListing = { files: [], folders: {} };
  for (const path of paths) {
    const parts = path.slice(top.length).split('/');
    if (parts.length === 1) listing.files.push(parts[0]!);
    else if (parts.length === 2) (listing.folders[parts[0]!] ??= []).push(parts[1]!);
  }
  return { listing, top };
}
