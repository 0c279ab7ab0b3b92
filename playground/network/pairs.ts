// Image/mask pairs given to the page (files or a folder chosen or dropped, or the EM sample),
// paired by the rule of `unet train --data DIR` (src/data/pairing.ts), decoded by picture.ts (the
// file's integers, 8 or 16 bit) and checked as the CLI checks them (src/data/pair-samples.ts). The mapping of
// mask values to classes waits for the spec (its mask_values): samplesFor() at training time.
import { DataError } from '../../src/data/errors.ts';
import { checkPair, maskOptions, samplesFromPairs, type ReadPair } from '../../src/data/pair-samples.ts';
import { listingOf, planPairs, under } from '../../src/data/pairing.ts';
import { grayMaskValues, rawToImage } from '../../src/data/raw-pixels.ts';
import type { Sample } from '../../src/data/types.ts';
import type { Model } from '../../src/language/ir/types.ts';
import { decodePixels } from './picture.ts';

/** A file and its path relative to what was chosen ('a.png', or 'data/images/a.png' for a folder). */
export interface PathedFile {
  path: string;
  file: Blob;
}

/** Files of an <input type=file>: a folder input gives each file's path inside the folder. */
export function filesOfInput(list: FileList | null): PathedFile[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Every file under a dropped entry, with its path (folders are walked, as a folder input lists them). */
async function walk(entry: FileSystemEntry, path: string): Promise<PathedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries gives a folder's entries in chunks, until an empty one.
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) break;
    children.push(...chunk);
  }
  return (await Promise.all(children.map((c) => walk(c, `${path}/${c.name}`)))).flat();
}

/** The files of a drop: dropped folders are walked; plain files keep their names. */
export async function filesOfDrop(transfer: DataTransfer | null): Promise<PathedFile[]> {
  if (!transfer) return [];
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.some((e) => e?.isDirectory)) {
    return (await Promise.all(entries.filter((e): e is FileSystemEntry => e !== null).map((e) => walk(e, e.name)))).flat();
  }
  return [...transfer.files].map((file) => ({ path: file.name, file }));
}

/** Pairs decoded and checked (sizes, channels, gray masks), before their values become classes. */
export interface DroppedPairs {
  pairs: ReadPair[];
  /** What they are, for the page: '3 pairs (64 x 64, 1 channel)'. */
  summary: string;
}

/** Pairs the files by the `--data DIR` rule, decodes and checks them; problems name the file. */
export async function readPairs(files: PathedFile[]): Promise<DroppedPairs> {
  const { listing, top } = listingOf(files.map((f) => f.path));
  const root = top.replace(/\/$/, '');
  const plan = planPairs(root, listing);
  if (plan.kind === 'stacks') {
    throw new DataError(under(root, plan.images), 'multi-page TIFF stacks are not read in the page: train on them with `unet train --data DIR`, or drop PNG/JPEG pairs');
  }
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const pairs: ReadPair[] = [];
  for (const pair of plan.pairs) {
    const [imagePath, maskPath] = [under(root, pair.image), under(root, pair.mask)];
    const decode = (path: string) => decodePixels(byPath.get(path)!, path).catch((e: unknown) => {
      throw new DataError(path, `not an image the page can decode (PNG, JPEG or TIFF): ${e instanceof Error ? e.message : String(e)}`);
    });
    // The file's integers, so a 16-bit mask's class values stay what they are (the CLI's readMaskValues).
    const read: ReadPair = { name: pair.name, imagePath, maskPath, image: rawToImage(await decode(imagePath)), mask: grayMaskValues(await decode(maskPath), maskPath) };
    checkPair(read, pairs[0]);
    pairs.push(read);
  }
  const first = pairs[0]!.image;
  return { pairs, summary: `${pairs.length} pair${pairs.length === 1 ? '' : 's'} (${pairs.map((p) => p.name).join(', ')}; ${first.width} x ${first.height}, ${first.channels} channel${first.channels === 1 ? '' : 's'})` };
}

/** The training samples of read pairs for a network: its mask_values (or the sorted values) make the classes. */
export function samplesFor(dropped: DroppedPairs, ir: Model): Sample[] {
  return samplesFromPairs(dropped.pairs, maskOptions(ir));
}
