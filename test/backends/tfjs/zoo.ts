// Small hand-built IR models covering every IR op and variant the tfjs backend lowers:
// each upsample mode, each norm, each skip kind (concat, add, attention and
// squeeze-excitation via mul), valid padding with crops, 2D and 3D.
import type { Model } from '../../../src/language/ir/types.ts';
import { IrBuilder } from './fixtures.ts';

/** Encoder conv, pool, bottom conv, upsample by `up`, skip merge, head. */
function tinyUNet(name: string, opts: { up: 'transposed' | 'transposed-same' | 'nearest' | 'bilinear' | 'align' | 'shuffle'; norm?: 'batch' | 'instance' | 'group'; skip?: 'concat' | 'add' | 'attention' | 'se' }): Model {
  const b = new IrBuilder(2, 3, [16, 16]);
  let e = b.conv('enc1.conv', 'input', 8);
  if (opts.norm) e = b.add('enc1.norm', { op: 'norm', kind: opts.norm, epsilon: 1e-5, momentum: 0.1, groups: opts.norm === 'group' ? 4 : 1 }, e);
  e = b.add('enc1.act', { op: 'activation', fn: 'relu', alpha: 0 }, e);
  const p = b.add('down1', { op: 'pool', kind: 'max', kernel: [2, 2], stride: [2, 2] }, e);
  const m = b.conv('bottom.conv', p, 16);
  let u: string;
  switch (opts.up) {
    case 'transposed':
      u = b.add('dec1.up', { op: 'conv_transpose', filters: 8, kernel: [2, 2], stride: [2, 2], padding: 'valid', bias: true, init: 'he_normal' }, m);
      break;
    case 'transposed-same':
      u = b.add('dec1.up', { op: 'conv_transpose', filters: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', bias: false, init: 'he_normal' }, m);
      break;
    case 'shuffle':
      u = b.add('dec1.up', { op: 'pixel_shuffle', scale: 2 }, b.conv('dec1.expand', m, 32));
      break;
    default:
      u = b.add('dec1.up', { op: 'upsample', mode: opts.up === 'nearest' ? 'nearest' : 'bilinear', scale: [2, 2], alignCorners: opts.up === 'align' }, m);
      u = b.conv('dec1.reduce', u, 8, { kernel: [1, 1] });
  }
  let s: string;
  switch (opts.skip ?? 'concat') {
    case 'concat':
      s = b.add('dec1.skip', { op: 'concat' }, e, u);
      break;
    case 'add':
      s = b.add('dec1.skip', { op: 'add' }, e, u);
      break;
    case 'attention': {
      // Attention gate (Oktay et al. 2018): a 1-channel sigmoid map scales the skip.
      const g = b.add('dec1.gate', { op: 'activation', fn: 'sigmoid', alpha: 0 }, b.conv('dec1.gate.conv', u, 1, { kernel: [1, 1] }));
      s = b.add('dec1.skip', { op: 'concat' }, b.add('dec1.att', { op: 'mul' }, e, g), u);
      break;
    }
    case 'se': {
      // Squeeze-excitation (Hu et al. 2018): per-channel weights of spatial size 1.
      const z = b.add('dec1.squeeze', { op: 'global_avg_pool' }, u);
      const w = b.add('dec1.excite', { op: 'activation', fn: 'sigmoid', alpha: 0 }, b.conv('dec1.excite.conv', z, 8, { kernel: [1, 1] }));
      s = b.add('dec1.skip', { op: 'add' }, e, b.add('dec1.se', { op: 'mul' }, u, w));
    }
  }
  const d = b.add('dec1.drop', { op: 'dropout', rate: 0.5 }, b.conv('dec1.conv', s, 8));
  const head = b.conv('head.conv', d, 2, { kernel: [1, 1] });
  return b.build(b.add('head.softmax', { op: 'activation', fn: 'softmax', alpha: 0 }, head), name);
}

/** Valid padding: the skip is center-cropped to the decoder's size. */
function validUNet(): Model {
  const b = new IrBuilder(2, 1, [20, 20], 'valid');
  const e = b.conv('enc1.conv', 'input', 4);
  const p = b.add('down1', { op: 'pool', kind: 'avg', kernel: [2, 2], stride: [2, 2] }, e);
  const m = b.conv('bottom.conv', p, 8, { dilation: [2, 2] });
  const u = b.add('dec1.up', { op: 'conv_transpose', filters: 4, kernel: [2, 2], stride: [2, 2], padding: 'valid', bias: false, init: 'glorot_uniform' }, m);
  const c = b.add('dec1.crop', { op: 'crop', begin: [4, 4], end: [4, 4] }, e);
  const s = b.add('dec1.skip', { op: 'concat' }, c, u);
  return b.build(b.conv('head.conv', s, 2, { kernel: [1, 1], init: 'lecun_normal' }), 'valid');
}

/** 3D, valid padding, batch norm, crop, both 3D upsample modes and a 3D pixel shuffle. */
function unet3d(): Model {
  const b = new IrBuilder(3, 1, [12, 12, 12], 'valid');
  const e = b.add('enc1.act', { op: 'activation', fn: 'leaky_relu', alpha: 0.1 }, b.add('enc1.norm', { op: 'norm', kind: 'batch', epsilon: 1e-5, momentum: 0.1, groups: 1 }, b.conv('enc1.conv', 'input', 4)));
  const p = b.add('down1', { op: 'pool', kind: 'max', kernel: [2, 2, 2], stride: [2, 2, 2] }, e);
  const m = b.add('bottom.act', { op: 'activation', fn: 'gelu', alpha: 0 }, b.conv('bottom.conv', p, 8, { init: 'he_uniform' }));
  const t = b.add('dec1.up', { op: 'conv_transpose', filters: 4, kernel: [2, 2, 2], stride: [2, 2, 2], padding: 'valid', bias: true, init: 'glorot_normal' }, m);
  const n = b.add('dec1.nearest', { op: 'upsample', mode: 'nearest', scale: [2, 2, 2], alignCorners: false }, m);
  const l = b.add('dec1.linear', { op: 'upsample', mode: 'bilinear', scale: [2, 2, 2], alignCorners: true }, m);
  const a = b.add('dec1.asym', { op: 'upsample', mode: 'bilinear', scale: [2, 2, 2], alignCorners: false }, m);
  const ps = b.add('dec1.shuffle', { op: 'pixel_shuffle', scale: 2 }, m);
  const c = b.add('dec1.crop', { op: 'crop', begin: [2, 2, 2], end: [2, 2, 2] }, e);
  const s = b.add('dec1.skip', { op: 'concat' }, c, t, n, l, a, ps);
  const g = b.add('dec1.norm', { op: 'norm', kind: 'group', epsilon: 1e-5, momentum: 0.1, groups: 3 }, s);
  const i = b.add('dec1.inorm', { op: 'norm', kind: 'instance', epsilon: 1e-5, momentum: 0.1, groups: 1 }, g);
  const q = b.add('dec1.pool', { op: 'pool', kind: 'avg', kernel: [2, 2, 2], stride: [2, 2, 2] }, i);
  return b.build(b.add('head.act', { op: 'activation', fn: 'sigmoid', alpha: 0 }, b.conv('head.conv', q, 1, { kernel: [1, 1, 1] })), 'unet3d');
}

/** Every activation function once, in a chain. */
function activations(): Model {
  const b = new IrBuilder(2, 2, [null, null]);
  let x = b.conv('conv', 'input', 4);
  for (const fn of ['relu', 'leaky_relu', 'elu', 'gelu', 'sigmoid', 'tanh', 'softmax'] as const) {
    x = b.add(`act.${fn}`, { op: 'activation', fn, alpha: fn === 'elu' ? 1 : 0.2 }, x);
  }
  return b.build(x, 'activations');
}

export function zoo(): Model[] {
  return [
    tinyUNet('transposed-batch', { up: 'transposed', norm: 'batch' }),
    tinyUNet('nearest-instance', { up: 'nearest', norm: 'instance' }),
    tinyUNet('transposed-same-add', { up: 'transposed-same', skip: 'add' }),
    tinyUNet('bilinear-group', { up: 'bilinear', norm: 'group', skip: 'add' }),
    tinyUNet('align-corners-attention', { up: 'align', skip: 'attention' }),
    tinyUNet('shuffle-se', { up: 'shuffle', skip: 'se' }),
    validUNet(),
    unet3d(),
    activations(),
  ];
}
