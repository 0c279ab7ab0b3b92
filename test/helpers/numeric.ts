// Comparing engines' numbers: the largest absolute difference relative to the expected range.

/** max |actual - expected| / max |expected|. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

/** Deterministic values in (-scale, scale) from seed (a linear congruential generator): the same on every engine. */
export function seededValues(size: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return (a / 2147483648 - 1) * scale;
  });
}
