import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/language/shapes/format.ts';

describe('formatCount', () => {
  it('groups the digits of a count by thousands with commas, as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 121_042, 999_999, 1_000_000, 31_030_658, 2 ** 40, -1234]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
