// Runs the `unet` command line as a user would, from the sources (unet-sources.js), for the CLI tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const UNET = join(import.meta.dirname, 'unet-sources.js');
export const REPO = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `unet ...args` in `cwd` (the repository by default); never throws on a non-zero exit. */
export async function runUnet(args: string[], cwd: string = REPO): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [UNET, ...args], { cwd, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
