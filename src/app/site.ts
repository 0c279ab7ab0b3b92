// `unet serve --out DIR`: the playground's static site (its pages, scripts, .wasm and samples) copied into a
// folder a user names, under the output-directory policy (src/io/out-dir.ts): a new or empty
// folder, or one an earlier `unet serve --out` wrote; a folder of the user's is refused.
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { claimOutDir } from '../io/out-dir.ts';

/** Writes the site's files into dir and returns the paths written. */
export function writeSite(files: Record<string, string | Uint8Array>, dir: string): string[] {
  claimOutDir(dir, 'site', 'unet serve --out', Object.keys(files));
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileAtomic(path, content);
    return path;
  });
}
