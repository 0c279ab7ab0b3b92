// A tiny valid-padding run on builtin:ellipses (seconds to train), shared by the eval tests:
// valid padding makes `unet eval` go through overlap-tile inference with mirrored context.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const UNET = join(import.meta.dirname, '../../bin/unet.js');

export const TINY_SPEC = `unet TinyValid {
  input   1
  output  2 classes softmax
  labels  "background", "boundary"
  depth   1
  filters 4 doubling
  padding valid
  bias    off
  norm    batch
  train {
    loss       weighted_ce
    weight_map w0 10 sigma 2
    crop       28x28
    optimizer  adam lr 0.01
    batch      4
    epochs     1
    val_split  0.25
    seed       3
    augment {
      elastic grid 3 sigma 4
      flip
    }
  }
}
`;

export const DATA = 'builtin:ellipses:8';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/unet.js ...args`; never throws on a non-zero exit. */
export async function unet(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [UNET, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A temporary folder holding the tiny spec. */
export function tempWithSpec(prefix: string): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const spec = join(dir, 'tiny.unet');
  writeFileSync(spec, TINY_SPEC);
  return { dir, spec };
}
