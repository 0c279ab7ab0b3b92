// Receptive field of the output, in input pixels along one axis: the standard recurrence
// r_out = r_in + (k - 1) * d * j_in, j_out = j_in * s (Araujo et al., Distill 2019),
// taking the widest path where branches meet. Null when a global pooling sees everything.
import type { Node } from '../ir/types.ts';

interface Field {
  r: number;
  j: number;
}

export function receptiveField(nodes: Node[]): number | null {
  const fields = new Map<string, Field | null>();
  for (const n of nodes) {
    const ins = n.inputs.map((id) => fields.get(id)!);
    if (ins.some((f) => f === null)) {
      fields.set(n.id, null);
      continue;
    }
    const x = (ins as Field[])[0] ?? { r: 1, j: 1 };
    let f: Field | null;
    switch (n.op) {
      case 'input':
        f = { r: 1, j: 1 };
        break;
      case 'conv':
        f = { r: x.r + (n.kernel[0]! - 1) * n.dilation[0]! * x.j, j: x.j * n.stride[0]! };
        break;
      case 'pool':
        f = { r: x.r + (n.kernel[0]! - 1) * x.j, j: x.j * n.stride[0]! };
        break;
      case 'conv_transpose': {
        // Each output pixel sees ceil(k / s) input pixels.
        const j = x.j / n.stride[0]!;
        f = { r: x.r + (Math.ceil(n.kernel[0]! / n.stride[0]!) - 1) * x.j, j };
        break;
      }
      case 'upsample':
        // Linear interpolation reads two neighbours; nearest reads one.
        f = { r: x.r + (n.mode === 'bilinear' ? x.j : 0), j: x.j / n.scale[0]! };
        break;
      case 'pixel_shuffle':
        f = { r: x.r, j: x.j / n.scale };
        break;
      case 'global_avg_pool':
        f = null;
        break;
      default: {
        const all = ins as Field[];
        f = { r: Math.max(...all.map((a) => a.r)), j: Math.min(...all.map((a) => a.j)) };
      }
    }
    fields.set(n.id, f);
  }
  const last = fields.get(nodes.at(-1)!.id);
  return last ? last.r : null;
}
