// Initial convolution kernels drawn from a seeded PRNG, so the same seed gives the same
// initial weights on every engine and machine (tfjs' initializers draw from their own
// unseeded or per-call seeded generators, and its heNormal is truncated).
import type { Init } from '../../language/ir/types.ts';
import { Random } from '../../data/random.ts';

export interface Fans {
  /** Inputs per output unit: kernel volume * input channels (docs/ir.md). */
  fanIn: number;
  /** Kernel volume * output channels. */
  fanOut: number;
}

// Keras VarianceScaling: the standard deviation of a normal truncated at two standard
// deviations is 0.8796 of the untruncated one, so it is divided out.
const TRUNCATED_STD = 0.87962566103423978;

function truncatedNormal(rng: Random, std: number): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return (z * std) / TRUNCATED_STD;
  }
}

type Sampler = (rng: Random, fans: Fans) => number;

/** One sampler per IR init; formulas as in Keras except he_normal (see there). */
const SAMPLERS: Record<Init, Sampler> = {
  // U-Net paper, sec. 3: a plain Gaussian with std sqrt(2/N), N = inputs per neuron.
  he_normal: (rng, { fanIn }) => rng.normal(0, Math.sqrt(2 / fanIn)),
  he_uniform: (rng, { fanIn }) => {
    const limit = Math.sqrt(6 / fanIn);
    return rng.uniform(-limit, limit);
  },
  glorot_normal: (rng, { fanIn, fanOut }) => truncatedNormal(rng, Math.sqrt(2 / (fanIn + fanOut))),
  glorot_uniform: (rng, { fanIn, fanOut }) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return rng.uniform(-limit, limit);
  },
  lecun_normal: (rng, { fanIn }) => truncatedNormal(rng, Math.sqrt(1 / fanIn)),
  zeros: () => 0,
};

/**
 * `count` kernel values for the node `nodeId`. Each node draws from its own stream
 * forked by id, so a node's weights do not depend on the other nodes.
 */
export function initialKernel(init: Init, fans: Fans, count: number, seed: number, nodeId: string): Float32Array {
  const rng = new Random(seed).fork(nodeId);
  const sample = SAMPLERS[init];
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = sample(rng, fans);
  return values;
}
