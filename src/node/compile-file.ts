// The front end with files on disk: `compileFile` of the language layer, reading every spec
// file through the one bounded reader (read-spec.ts: regular files up to 1 MiB, UTF-8).
import { compileFile as compileWith, type CompileOptions, type CompileResult } from '../language/compile.ts';
import type { ReadFile } from '../language/spec/resolve.ts';
import { readSpecFile } from './read-spec.ts';

export const readFromDisk: ReadFile = readSpecFile;

/** A .unet spec (optionally `FILE.unet#Name`) or an IR .json file, and the files it imports, read from disk. */
export function compileFile(specPath: string, options: CompileOptions = {}): CompileResult {
  return compileWith(specPath, { ...options, read: options.read ?? readFromDisk });
}
