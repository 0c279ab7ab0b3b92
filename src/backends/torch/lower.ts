// IR -> Python source of a PyTorch nn.Module: one lowering per IR op (the LOWERINGS table),
// NCHW (NCDHW) throughout. Each parametrised node becomes a submodule named after its id
// (`enc1.conv1` -> `self.enc1_conv1`), and `forward` has one line per node in the IR's
// topological order. The tfjs -> PyTorch choices follow docs/facts.md#pytorch; shapes are
// never computed here, they come from the IR (docs/ir.md).
import { UnsupportedOpsError, type Problem } from '../unsupported.ts';
import { assertNever } from '../../language/assert-never.ts';
import { transposedCropEnds } from '../../language/ir/op-shapes.ts';
import type { Model, NodeOf, OpName, PoolKind, Span } from '../../language/ir/types.ts';

export const BACKEND = 'torch';

export { UnsupportedOpsError, type Problem };

/** Python helper functions a lowering can ask for; emitted once, only when used. */
export const HELPERS = {
  same_pad: `
def same_pad(x, kernel, stride, dilation):
    """TensorFlow 'same' padding (docs/ir.md): total = max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0),
    begin = total // 2, the extra pixel at the end (PyTorch's padding= is symmetric)."""
    pads = []
    for n, k, s, d in reversed(list(zip(x.shape[2:], kernel, stride, dilation))):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)
`,
  resize_linear_asymmetric: `
def resize_linear_asymmetric(x, scale):
    """Bi/trilinear upsampling with asymmetric coordinates, src = dst / scale, as tfjs
    upSampling2d (docs/facts.md#tfjs-to-onnx: ONNX Resize coordinate_transformation_mode=asymmetric). PyTorch's
    interpolate uses half-pixel coordinates when align_corners=False, so it is done by hand,
    one axis at a time (linear interpolation is separable)."""
    for axis, s in enumerate(scale, start=2):
        n = x.shape[axis]
        src = torch.arange(n * s, device=x.device, dtype=torch.float32) / s
        lo = src.floor().long().clamp(max=n - 1)
        hi = (lo + 1).clamp(max=n - 1)
        shape = [1] * x.dim()
        shape[axis] = n * s
        frac = (src - lo.to(torch.float32)).to(x.dtype).reshape(shape)
        a = x.index_select(axis, lo)
        b = x.index_select(axis, hi)
        x = a + (b - a) * frac
    return x
`,
  depth_to_space: `
def depth_to_space(x, r):
    """Pixel shuffle in DCR order (tfjs depthToSpace, ONNX DepthToSpace mode=DCR): the
    block offsets are the slowest-varying part of the channel index. nn.PixelShuffle is
    CRD order (docs/facts.md#pytorch: 1.91 off)."""
    n, c = x.shape[0], x.shape[1]
    spatial = list(x.shape[2:])
    dims = len(spatial)
    out = c // r ** dims
    x = x.reshape([n] + [r] * dims + [out] + spatial)
    # [n, r.., out, s..] -> [n, out, s0, r0, s1, r1, ...]
    order = [0, dims + 1]
    for i in range(dims):
        order += [dims + 2 + i, 1 + i]
    x = x.permute(order)
    return x.reshape([n, out] + [s * r for s in spatial])
`,
} as const;

export type Helper = keyof typeof HELPERS;


interface Context<K extends OpName> {
  node: NodeOf<K>;
  model: Model;
  /** Python names of the node's inputs, in order. */
  x: string[];
  /** `self.<attribute>` of this node's submodule. */
  self: string;
  /** Channels of the i-th input (from the IR shape). */
  channels(i: number): number;
  /** Declares this node's submodule: `self.<attr> = <constructor>`. */
  module(constructor: string): void;
  use(helper: Helper): void;
  unsupported(message: string): void;
}

/** Returns the right-hand side of the node's forward line. */
type Lowering<K extends OpName> = (ctx: Context<K>) => string;

const tuple = (values: readonly (number | string)[]) => `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;
const pyFloat = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
const pyBool = (v: boolean) => (v ? 'True' : 'False');

/** `[:, :, b:-e, ...]`, `:` on axes with nothing removed. */
function slicing(begin: readonly number[], end: readonly number[]): string {
  const axes = begin.map((b, i) => {
    const e = end[i];
    if (b === 0 && e === 0) return ':';
    return `${b === 0 ? '' : b}:${e === 0 ? '' : -e}`;
  });
  return `[:, :, ${axes.join(', ')}]`;
}

/**
 * PyTorch's `padding=` of a conv, and whether it is all the padding: symmetric same padding
 * maps to it; otherwise TensorFlow's rule (extra pixel at the end, input-size dependent with
 * stride > 1) needs an explicit pad in forward.
 */
function torchPadding(node: NodeOf<'conv'>): { padding: number[]; symmetric: boolean } {
  const zeros = node.kernel.map(() => 0);
  switch (node.padding) {
    case 'valid':
      return { padding: zeros, symmetric: true };
    case 'same': {
      const totals = node.kernel.map((k, i) => (k - 1) * node.dilation[i]);
      const symmetric = node.stride.every((s) => s === 1) && totals.every((t) => t % 2 === 0);
      return { padding: symmetric ? totals.map((t) => t / 2) : zeros, symmetric };
    }
    default:
      return assertNever(node.padding, 'padding');
  }
}

/** The torch.nn pooling module of a pool kind, without its 2d/3d suffix. */
function poolModule(kind: PoolKind): string {
  switch (kind) {
    case 'max':
      return 'MaxPool';
    case 'avg':
      return 'AvgPool';
    default:
      return assertNever(kind, 'pool kind');
  }
}

const LOWERINGS: { [K in OpName]: Lowering<K> } = {
  input: () => {
    throw new Error('the input node is the forward argument, not lowered');
  },

  conv: (ctx) => {
    const { node, model } = ctx;
    const { padding, symmetric } = torchPadding(node);
    ctx.module(
      `nn.Conv${model.dims}d(${ctx.channels(0)}, ${node.filters}, kernel_size=${tuple(node.kernel)}, stride=${tuple(node.stride)}, ` +
        `padding=${tuple(padding)}, dilation=${tuple(node.dilation)}, bias=${pyBool(node.bias)})`,
    );
    if (symmetric) return `${ctx.self}(${ctx.x[0]})`;
    ctx.use('same_pad');
    return `${ctx.self}(same_pad(${ctx.x[0]}, ${tuple(node.kernel)}, ${tuple(node.stride)}, ${tuple(node.dilation)}))`;
  },

  conv_transpose: (ctx) => {
    const { node, model } = ctx;
    // tfjs conv2dTranspose `same` gives out = in*s: the full result cropped by k-s at the
    // end (docs/facts.md#pytorch: PyTorch-style symmetric padding + output_padding is one pixel off).
    const ends = transposedCropEnds(node);
    if (ends.some((e) => e < 0)) ctx.unsupported('same padding with kernel smaller than stride');
    ctx.module(
      `nn.ConvTranspose${model.dims}d(${ctx.channels(0)}, ${node.filters}, kernel_size=${tuple(node.kernel)}, ` +
        `stride=${tuple(node.stride)}, bias=${pyBool(node.bias)})`,
    );
    const call = `${ctx.self}(${ctx.x[0]})`;
    return ends.some((e) => e > 0) ? `${call}${slicing(ends.map(() => 0), ends.map((e) => Math.max(e, 0)))}` : call;
  },

  norm: (ctx) => {
    const { node, model } = ctx;
    const c = ctx.channels(0);
    // Epsilon always explicit: PyTorch's default 1e-5 differs from tfjs's 1e-3 (docs/facts.md#pytorch).
    const eps = `eps=${node.epsilon}`;
    switch (node.kind) {
      case 'batch':
        ctx.module(`nn.BatchNorm${model.dims}d(${c}, ${eps}, momentum=${node.momentum})`);
        break;
      case 'instance':
        // Statistics per sample at training and inference alike, as tfjs' instance norm.
        ctx.module(`nn.InstanceNorm${model.dims}d(${c}, ${eps}, affine=True)`);
        break;
      case 'group':
        ctx.module(`nn.GroupNorm(${node.groups}, ${c}, ${eps})`);
        break;
      default:
        return assertNever(node.kind, 'norm kind');
    }
    return `${ctx.self}(${ctx.x[0]})`;
  },

  activation: (ctx) => {
    const { node } = ctx;
    const x = ctx.x[0];
    switch (node.fn) {
      case 'relu':
        return `F.relu(${x})`;
      case 'leaky_relu':
        return `F.leaky_relu(${x}, negative_slope=${node.alpha})`;
      case 'elu':
        return `F.elu(${x}, alpha=${pyFloat(node.alpha)})`;
      case 'gelu':
        return `F.gelu(${x})`; // the exact erf form, PyTorch's default
      case 'sigmoid':
        return `torch.sigmoid(${x})`;
      case 'tanh':
        return `torch.tanh(${x})`;
      case 'softmax':
        return `torch.softmax(${x}, dim=1)`; // over channels
      default:
        return assertNever(node.fn, 'activation');
    }
  },

  // No padding and floor (docs/ir.md): PyTorch's defaults.
  pool: (ctx) => {
    const { node, model } = ctx;
    ctx.module(`nn.${poolModule(node.kind)}${model.dims}d(kernel_size=${tuple(node.kernel)}, stride=${tuple(node.stride)})`);
    return `${ctx.self}(${ctx.x[0]})`;
  },

  global_avg_pool: (ctx) => {
    const axes = Array.from({ length: ctx.model.dims }, (_, i) => i + 2);
    return `${ctx.x[0]}.mean(dim=${tuple(axes)}, keepdim=True)`;
  },

  upsample: (ctx) => {
    const { node, model } = ctx;
    const x = ctx.x[0];
    const scale = tuple(node.scale.map(pyFloat));
    switch (node.mode) {
      // Integer scales: PyTorch's nearest is floor(dst / scale), the IR's asymmetric floor.
      case 'nearest':
        return `F.interpolate(${x}, scale_factor=${scale}, mode='nearest')`;
      case 'bilinear': {
        const mode = model.dims === 3 ? 'trilinear' : 'bilinear';
        if (node.alignCorners) return `F.interpolate(${x}, scale_factor=${scale}, mode='${mode}', align_corners=True)`;
        ctx.use('resize_linear_asymmetric');
        return `resize_linear_asymmetric(${x}, ${tuple(node.scale)})`;
      }
      default:
        return assertNever(node.mode, 'upsample mode');
    }
  },

  pixel_shuffle: (ctx) => {
    ctx.use('depth_to_space');
    return `depth_to_space(${ctx.x[0]}, ${ctx.node.scale})`;
  },

  crop: (ctx) => `${ctx.x[0]}${slicing(ctx.node.begin, ctx.node.end)}`,

  concat: (ctx) => `torch.cat([${ctx.x.join(', ')}], dim=1)`,

  add: (ctx) => ctx.x.join(' + '),

  // The second input broadcasts (1 channel, or spatial size 1).
  mul: (ctx) => ctx.x.join(' * '),

  dropout: (ctx) => {
    ctx.module(`nn.Dropout(p=${ctx.node.rate})`);
    return `${ctx.self}(${ctx.x[0]})`;
  },
};

const PYTHON_RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield self x torch nn F math'
  ).split(' '),
);

/** A Python identifier for a node id: `enc1.conv1` -> `enc1_conv1`. */
export function pythonName(id: string): string {
  let name = id.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(name)) name = `n_${name}`;
  return PYTHON_RESERVED.has(name) ? `${name}_` : name;
}

/** `ronneberger2015` -> `Ronneberger2015`, `my-net` -> `MyNet`. */
export function className(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('') || 'UNet';
  return /^[0-9]/.test(joined) ? `UNet${joined}` : joined;
}

export interface LoweredModule {
  className: string;
  /** `self.<attr> = ...` lines of __init__, without indentation. */
  modules: string[];
  /** Lines of forward, without indentation (the last one is the return). */
  forward: string[];
  /** Helper names used, in a fixed order. */
  helpers: Helper[];
  /** Submodule attribute for every node that has one, keyed by node id. */
  attributes: Map<string, string>;
}

/** Lowers the whole graph; throws UnsupportedOpsError listing every node it cannot express. */
export function lowerModule(model: Model): LoweredModule {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const node of model.nodes) {
    const name = node.op === 'input' ? 'x' : pythonName(node.id);
    const other = taken.get(name);
    if (other !== undefined) throw new Error(`${BACKEND} backend: node ids '${other}' and '${node.id}' both map to the Python name '${name}'`);
    taken.set(name, node.id);
    names.set(node.id, name);
  }
  const channelsOf = new Map(model.nodes.map((n) => [n.id, n.shape.channels]));
  const modules: string[] = [];
  const forward: string[] = [];
  const used = new Set<Helper>();
  const attributes = new Map<string, string>();
  const problems: Problem[] = [];
  for (const node of model.nodes) {
    if (node.op === 'input') continue;
    const name = names.get(node.id)!;
    const ctx: Context<OpName> = {
      node: node as never,
      model,
      x: node.inputs.map((i) => names.get(i)!),
      self: `self.${name}`,
      channels: (i) => channelsOf.get(node.inputs[i]!)!,
      module: (constructor) => {
        modules.push(`self.${name} = ${constructor}`);
        attributes.set(node.id, name);
      },
      use: (helper) => void used.add(helper),
      unsupported: (message) => void problems.push({ nodeId: node.id, op: node.op, message, span: node.span }),
    };
    const lowering = LOWERINGS[node.op] as Lowering<OpName>;
    forward.push(`${name} = ${lowering(ctx)}`);
  }
  if (problems.length) throw new UnsupportedOpsError(BACKEND, problems);
  forward.push(`return ${names.get(model.outputNode)!}`);
  const helpers = (Object.keys(HELPERS) as Helper[]).filter((h) => used.has(h));
  return { className: className(model.name), modules, forward, helpers, attributes };
}
