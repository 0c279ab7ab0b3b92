import type { Mask2D } from '../../src/data/types.ts';

/** A mask from rows of class digits, e.g. ['0110', '0010']. */
export function mask(rows: string[]): Mask2D {
  return {
    height: rows.length,
    width: rows[0].length,
    data: Uint8Array.from(rows.join(''), (c) => Number(c)),
  };
}
