// Receptive field of the output along one axis, exactly: for output pixels over one full
// period of the network's strides, follow index intervals back through every node to the
// input and take the widest. (The textbook recurrence r += (k-1)*j overestimates U-Nets:
// upsampled neighbours share their coarse source pixel.) Null when a global pooling lets
// every output pixel see the whole input.
import { assertNever } from '../assert-never.ts';
import type { Model, Node, Padding } from '../ir/types.ts';

type Interval = [number, number];

const sizeAt = (node: Node, s: number) => {
  const sym = node.shape.symbolic[0]!;
  return (s * sym.num) / sym.den + sym.offset;
};

/** TensorFlow's `same` padding before the first pixel. */
function samePadBegin(n: number, k: number, s: number, d: number): number {
  const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  return Math.floor(total / 2);
}

/** The padding before the first pixel: `same`'s (computed only then), none for `valid`. */
function padBegin(padding: Padding, same: () => number): number {
  switch (padding) {
    case 'same':
      return same();
    case 'valid':
      return 0;
    default:
      return assertNever(padding, 'padding');
  }
}

/** The input indices that output indices [lo, hi] of `node` read; null = all of them. */
function back(node: Node, [lo, hi]: Interval, nIn: number, nOut: number): Interval | null {
  switch (node.op) {
    case 'conv': {
      const [k, s, d] = [node.kernel[0]!, node.stride[0]!, node.dilation[0]!];
      const pad = padBegin(node.padding, () => samePadBegin(nIn, k, s, d));
      return [lo * s - pad, hi * s - pad + (k - 1) * d];
    }
    case 'pool':
      return [lo * node.stride[0]!, hi * node.stride[0]! + node.kernel[0]! - 1];
    case 'conv_transpose': {
      const [k, s] = [node.kernel[0]!, node.stride[0]!];
      const pad = padBegin(node.padding, () => Math.floor(Math.max(k - s, 0) / 2));
      return [Math.ceil((lo + pad - k + 1) / s), Math.floor((hi + pad) / s)];
    }
    case 'upsample': {
      const s = node.scale[0]!;
      switch (node.mode) {
        case 'nearest':
          return [Math.floor(lo / s), Math.floor(hi / s)];
        case 'bilinear': {
          if (!node.alignCorners) return [Math.floor(lo / s), Math.floor(hi / s) + 1];
          const r = (nIn - 1) / (nOut - 1);
          return [Math.floor(lo * r), Math.ceil(hi * r)];
        }
        default:
          return assertNever(node.mode, 'upsample mode');
      }
    }
    case 'pixel_shuffle':
      return [Math.floor(lo / node.scale), Math.floor(hi / node.scale)];
    case 'crop':
      return [lo + node.begin[0]!, hi + node.begin[0]!];
    case 'global_avg_pool':
      return null;
    default:
      return [lo, hi];
  }
}

function fieldOf(model: Model, byId: Map<string, Node>, s: number, o: number): number | null {
  const intervals = new Map<string, Interval>([[model.outputNode, [o, o]]]);
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    const out = intervals.get(node.id);
    if (!out || node.op === 'input') continue;
    for (const id of node.inputs) {
      const input = byId.get(id)!;
      // A broadcast operand of size 1 (squeeze-excitation weights) is read at index 0.
      const nIn = sizeAt(input, s);
      const mapped = nIn === 1 && node.op === 'mul' ? ([0, 0] as Interval) : back(node, out, nIn, sizeAt(node, s));
      if (mapped === null) return null;
      const prev = intervals.get(id);
      intervals.set(id, prev ? [Math.min(prev[0], mapped[0]), Math.max(prev[1], mapped[1])] : mapped);
    }
  }
  const [lo, hi] = intervals.get(model.nodes[0]!.id)!;
  return hi - lo + 1;
}

/** Receptive field in input pixels (axis 0), exact over one period of output positions. */
export function receptiveField(model: Model): number | null {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const { min, modulus } = model.legalSizes;
  const s = min + 8 * modulus;
  const out = sizeAt(byId.get(model.outputNode)!, s);
  const start = Math.floor(out / 2);
  let widest = 0;
  for (let o = start; o < start + modulus && o < out; o++) {
    const f = fieldOf(model, byId, s, o);
    if (f === null) return null;
    widest = Math.max(widest, f);
  }
  return widest;
}
