// A tiny valid-padding run on builtin:ellipses (seconds to train), shared by the eval tests:
// valid padding makes `unet eval` go through overlap-tile inference with mirrored context.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUnet } from '../../helpers/cli.ts';


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

export type { CliResult } from '../../helpers/cli.ts';

/** Runs `unet ...args` (from the sources); never throws on a non-zero exit. */
export const unet = (...args: string[]) => runUnet(args);

/** A temporary folder holding the tiny spec. */
export function tempWithSpec(prefix: string): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const spec = join(dir, 'tiny.unet');
  writeFileSync(spec, TINY_SPEC);
  return { dir, spec };
}
