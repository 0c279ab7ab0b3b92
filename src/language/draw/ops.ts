// What each arrow of the diagram means, in the words of the U-Net paper's Figure 1
// ("conv 3x3, ReLU", "max pool 2x2", "up-conv 2x2", "copy and crop", "conv 1x1"),
// read from the IR nodes.
import type { Model, Node } from '../ir/types.ts';

const NORMS = { batch: 'BN', instance: 'IN', group: 'GN' } as const;
const ACTIVATIONS = { relu: 'ReLU', leaky_relu: 'LeakyReLU', elu: 'ELU', gelu: 'GELU', sigmoid: 'sigmoid', softmax: 'softmax', tanh: 'tanh' } as const;

export const kernelText = (kernel: number[]): string => kernel.join('x');

/** The nodes that read `id`'s output. */
function consumers(model: Model, id: string): Node[] {
  return model.nodes.filter((n) => n.inputs.includes(id));
}

/** "conv 3x3, BN, ReLU": the conv and the norm and activation that directly follow it. */
export function convText(model: Model, conv: Node & { op: 'conv' }): string {
  const parts = [`conv ${kernelText(conv.kernel)}`];
  if (conv.stride.some((s) => s !== 1)) parts[0] += ` stride ${conv.stride[0]}`;
  let next = consumers(model, conv.id);
  const norm = next.length === 1 && next[0]!.op === 'norm' ? next[0]! : null;
  if (norm && norm.op === 'norm') {
    parts.push(NORMS[norm.kind]);
    next = consumers(model, norm.id);
  }
  const act = next.length === 1 && next[0]!.op === 'activation' ? next[0]! : null;
  if (act && act.op === 'activation') parts.push(ACTIVATIONS[act.fn]);
  return parts.join(', ');
}

/** The downsampling of level `level`: a pool or a strided conv. */
export function downText(model: Model, level: number): string | null {
  const pool = model.nodes.find((n) => n.id === `down${level}`);
  if (pool?.op === 'pool') return `${pool.kind} pool ${kernelText(pool.kernel)}`;
  const conv = model.nodes.find((n) => n.id === `down${level}.conv`);
  if (conv?.op === 'conv') return convText(model, conv);
  return null;
}

/** The upsampling into decoder level `level`, by its kind. */
export function upText(model: Model, level: number): string | null {
  const up = model.nodes.find((n) => n.id === `dec${level}.up`);
  if (!up) return null;
  const upConv = model.nodes.find((n) => n.id === `dec${level}.up_conv`);
  switch (up.op) {
    case 'conv_transpose':
      return `up-conv ${kernelText(up.kernel)}`;
    case 'pixel_shuffle':
      return 'pixel shuffle';
    case 'upsample': {
      const mode = up.mode === 'bilinear' && model.dims === 3 ? 'trilinear' : up.mode;
      return upConv?.op === 'conv' ? `${mode}, ${convText(model, upConv)}` : mode;
    }
    default:
      return null;
  }
}

/** The skip connection into decoder level `level`, by its kind; null when there is none. */
export function skipText(model: Model, level: number): string | null {
  const has = (suffix: string) => model.nodes.some((n) => n.id === `dec${level}.${suffix}`);
  if (!has('concat') && !has('add')) return null;
  if (has('gate.scale')) return 'attention gate';
  if (has('add')) return 'add';
  return has('crop') ? 'copy and crop' : 'copy';
}
