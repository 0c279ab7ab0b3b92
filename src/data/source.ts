// One entry point for the CLI's --data argument: a folder, or a built-in synthetic set.
import { loadFolderDataset, type FolderDatasetOptions } from './dataset.ts';
import { makeEllipses, type EllipsesOptions } from './ellipses.ts';
import type { Sample } from './types.ts';

/** Options for either kind of source; the irrelevant half is ignored. */
export interface DataSourceOptions extends FolderDatasetOptions {
  /** For builtin:ellipses: number of images (default 64), size and seed. */
  ellipses?: Partial<EllipsesOptions>;
}

/** Built-in data sets by name. */
export const BUILTIN_SOURCES = ['builtin:ellipses'] as const;

/** Loads `builtin:ellipses` or a folder data set (see loadFolderDataset). */
export async function loadDataSource(source: string, options: DataSourceOptions = {}): Promise<Sample[]> {
  if (source === 'builtin:ellipses') return makeEllipses({ count: 64, ...options.ellipses });
  if (source.startsWith('builtin:')) {
    throw new Error(`unknown built-in data set '${source}' (known: ${BUILTIN_SOURCES.join(', ')})`);
  }
  return loadFolderDataset(source, options);
}
