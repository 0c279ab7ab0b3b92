// A small seeded PRNG so that data generation, splits and augmentation are reproducible
// across runs and machines (Math.random cannot be seeded).

// mulberry32 (Tommy Ettinger): Weyl sequence step, then an avalanche mix of the state.
const WEYL = 0x6d2b79f5;

/** Mixes a 32-bit state into a well-distributed 32-bit value (the mulberry32 output function). */
function mix32(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** FNV-1a hash of a string, used to turn fork labels into seeds. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Seeded generator (mulberry32): deterministic, 32-bit state, period 2^32. */
export class Random {
  private state: number;
  private spareNormal: number | null = null;
  private readonly seed: number;

  constructor(seed: number | string) {
    this.seed = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    this.state = this.seed;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + WEYL) >>> 0;
    return mix32(this.state);
  }

  /** Uniform float in [lo, hi) (default [0, 1)). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextUint32() / 4294967296);
  }

  /** Gaussian sample with the given mean and standard deviation (Box-Muller, pairs cached). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    const u = 1 - this.uniform(); // in (0, 1], so log(u) is finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.uniform() < p;
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * An independent stream derived from this generator's seed and a label. It does not
   * consume from this stream, so adding a fork never changes the numbers drawn elsewhere.
   */
  fork(label: string): Random {
    return new Random(mix32((this.seed ^ hashString(label)) >>> 0) ^ hashString(label + '#'));
  }
}
