// Deterministic train/validation split, so a run can be repeated and compared.
import { Random } from './random.ts';

/** Train and validation subsets; each keeps the original order of the samples. */
export interface Split<T> {
  train: T[];
  val: T[];
}

/**
 * Splits items by a seeded shuffle: round(n * valFraction) items go to validation
 * (ISBI 2012: 20 slices, valFraction 0.2 -> 16 train, 4 val).
 */
export function splitDataset<T>(items: readonly T[], valFraction: number, seed: number): Split<T> {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`valFraction must be in [0, 1), got ${valFraction}`);
  }
  const nVal = Math.round(items.length * valFraction);
  const order = new Random(seed).fork('split').shuffle(items.map((_, i) => i));
  const isVal = new Set(order.slice(0, nVal));
  return {
    train: items.filter((_, i) => !isVal.has(i)),
    val: items.filter((_, i) => isVal.has(i)),
  };
}
