// ResolvedSpec -> the IR graph of the U: the contracting path, the bottom, the expanding
// path with its skips, the head. Lowering happens at one concrete input size so crop
// amounts are known; src/language/shapes/infer.ts turns that into symbolic shapes and legal sizes.
import { assertNever } from '../assert-never.ts';
import type { Init, Node, NodeOp, PoolKind, Role, Span } from './types.ts';
import type { ActivationSetting, ResolvedSpec, ResolvedStage } from '../spec/types.ts';
import { macCount, outputShape, paramCount, ShapeError, type ConcreteShape } from './op-shapes.ts';

/** The IR pool kind of a pooling `down` (the spec's maxpool / avgpool). */
function poolKind(kind: 'maxpool' | 'avgpool'): PoolKind {
  switch (kind) {
    case 'maxpool':
      return 'max';
    case 'avgpool':
      return 'avg';
    default:
      return assertNever(kind, 'downsampling');
  }
}

/** A node as lowering makes it: concrete shapes, no symbolic ones yet. */
export type LoweredNode = Omit<Node, 'shape' | 'macs'> & { shape: ConcreteShape; macs: number };

/** A shape error with the node it happened at; `structural` ones fail at every input size. */
export class LoweringError extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly nodeId: string,
    readonly structural = false,
  ) {
    super(message);
  }
}

class GraphBuilder {
  readonly nodes: LoweredNode[] = [];
  private readonly byId = new Map<string, LoweredNode>();

  add(id: string, op: NodeOp, inputs: LoweredNode[], role: Role, span: Span): LoweredNode {
    const shapes = inputs.map((n) => n.shape);
    let shape: ConcreteShape;
    try {
      shape = op.op === 'input' ? shapes[0]! : outputShape(op, shapes);
    } catch (e) {
      if (e instanceof ShapeError) throw new LoweringError(`at \`${id}\`: ${e.message}`, span, id);
      throw e;
    }
    if (this.byId.has(id)) throw new Error(`duplicate IR node id ${id}`);
    const node = { ...op, id, inputs: inputs.map((n) => n.id), role, shape, params: paramCount(op, shapes), macs: macCount(op, shapes, shape), span } as LoweredNode;
    this.nodes.push(node);
    this.byId.set(id, node);
    return node;
  }
}

const fill = (dims: number, v: number) => Array(dims).fill(v) as number[];

class ULowering {
  readonly g = new GraphBuilder();
  constructor(private readonly spec: ResolvedSpec) {}

  private span(...paths: string[]): Span {
    for (const p of paths) if (this.spec.spans[p]) return this.spec.spans[p]!;
    return this.spec.span;
  }

  conv(id: string, x: LoweredNode, role: Role, span: Span, o: { filters: number; kernel: number[]; stride?: number[]; dilation?: number; padding?: 'valid' | 'same'; bias?: boolean; init?: Init }) {
    const dims = this.spec.dims;
    return this.g.add(
      id,
      {
        op: 'conv',
        filters: o.filters,
        kernel: o.kernel,
        stride: o.stride ?? fill(dims, 1),
        dilation: fill(dims, o.dilation ?? 1),
        padding: o.padding ?? this.spec.padding,
        bias: o.bias ?? true,
        init: o.init ?? this.spec.init,
      },
      [x],
      role,
      span,
    );
  }

  act(id: string, x: LoweredNode, a: ActivationSetting, role: Role, span: Span) {
    return this.g.add(id, { op: 'activation', fn: a.fn, alpha: a.alpha }, [x], role, span);
  }

  /** Center crop of `x` to the spatial size of `like` (valid padding shrinks maps). */
  cropTo(id: string, x: LoweredNode, like: LoweredNode, role: Role, span: Span): LoweredNode {
    const diff = x.shape.size.map((n, i) => n - like.shape.size[i]!);
    if (diff.every((d) => d === 0)) return x;
    if (diff.some((d) => d < 0))
      throw new LoweringError(`at \`${id}\`: the skip map ${x.shape.size.join('x')} is smaller than the upsampled map ${like.shape.size.join('x')}`, span, id);
    const begin = diff.map((d) => Math.floor(d / 2));
    return this.g.add(id, { op: 'crop', begin, end: diff.map((d, i) => d - begin[i]!) }, [x], role, span);
  }

  /** The conv block of one stage: convs with norm and activation, SE, residual, dropout. */
  stage(prefix: string, x: LoweredNode, st: ResolvedStage): LoweredNode {
    const role: Role = { path: st.path, level: st.level };
    const input = x;
    for (let i = 0; i < st.convs; i++) {
      const n = i + 1;
      x = this.conv(`${prefix}.conv${n}`, x, role, st.span, { filters: st.filters[i]!, kernel: st.kernel, dilation: st.dilation, bias: st.bias });
      if (st.norm) x = this.g.add(`${prefix}.norm${n}`, { op: 'norm', kind: st.norm.kind, epsilon: st.norm.epsilon, momentum: st.norm.momentum, groups: st.norm.kind === 'group' ? st.norm.groups : 1 }, [x], role, st.span);
      // In a residual stage the last activation comes after the addition (He et al. 2016).
      if (!(st.residual && n === st.convs)) x = this.act(`${prefix}.act${n}`, x, st.activation, role, st.span);
    }
    if (st.se) x = this.squeezeExcite(`${prefix}.se`, x, st.se, role, st.span);
    if (st.residual) {
      let shortcut = input;
      if (shortcut.shape.channels !== x.shape.channels)
        shortcut = this.conv(`${prefix}.shortcut`, shortcut, role, st.span, { filters: x.shape.channels, kernel: fill(this.spec.dims, 1), bias: st.bias });
      shortcut = this.cropTo(`${prefix}.shortcut_crop`, shortcut, x, role, st.span);
      x = this.g.add(`${prefix}.residual`, { op: 'add' }, [x, shortcut], role, st.span);
      x = this.act(`${prefix}.act${st.convs}`, x, st.activation, role, st.span);
    }
    if (st.dropout > 0) x = this.g.add(`${prefix}.dropout`, { op: 'dropout', rate: st.dropout }, [x], role, st.span);
    return x;
  }

  /** Squeeze-and-excitation (Hu et al. 2018): channel weights from global context. */
  squeezeExcite(prefix: string, x: LoweredNode, ratio: number, role: Role, span: Span): LoweredNode {
    const one = fill(this.spec.dims, 1);
    const c = x.shape.channels;
    let s = this.g.add(`${prefix}.pool`, { op: 'global_avg_pool' }, [x], role, span);
    s = this.conv(`${prefix}.reduce`, s, role, span, { filters: Math.max(1, Math.floor(c / ratio)), kernel: one, padding: 'same' });
    s = this.act(`${prefix}.relu`, s, { fn: 'relu', alpha: 0 }, role, span);
    s = this.conv(`${prefix}.expand`, s, role, span, { filters: c, kernel: one, padding: 'same' });
    s = this.act(`${prefix}.sigmoid`, s, { fn: 'sigmoid', alpha: 0 }, role, span);
    return this.g.add(`${prefix}.scale`, { op: 'mul' }, [x, s], role, span);
  }

  /** Attention gate (Oktay et al. 2018) on the skip `x`, gated by the upsampled map `g`. */
  attentionGate(prefix: string, x: LoweredNode, g: LoweredNode, role: Role, span: Span): LoweredNode {
    const one = fill(this.spec.dims, 1);
    const inter = Math.max(1, Math.floor(x.shape.channels / 2));
    const theta = this.conv(`${prefix}.theta`, x, role, span, { filters: inter, kernel: one, padding: 'same', bias: false });
    const phi = this.conv(`${prefix}.phi`, g, role, span, { filters: inter, kernel: one, padding: 'same' });
    let a = this.g.add(`${prefix}.sum`, { op: 'add' }, [theta, phi], role, span);
    a = this.act(`${prefix}.relu`, a, { fn: 'relu', alpha: 0 }, role, span);
    a = this.conv(`${prefix}.psi`, a, role, span, { filters: 1, kernel: one, padding: 'same' });
    a = this.act(`${prefix}.sigmoid`, a, { fn: 'sigmoid', alpha: 0 }, role, span);
    return this.g.add(`${prefix}.scale`, { op: 'mul' }, [x, a], role, span);
  }

  down(level: number, x: LoweredNode): LoweredNode {
    const { down, dims } = this.spec;
    const role: Role = { path: 'encoder', level };
    const span = this.span('down');
    const stride = fill(dims, down.stride);
    if (down.kind === 'conv') {
      const st = this.spec.encoder[level - 1]!;
      let y = this.conv(`down${level}.conv`, x, role, span, { filters: x.shape.channels, kernel: down.kernel, stride, bias: st.bias });
      if (st.norm) y = this.g.add(`down${level}.norm`, { op: 'norm', kind: st.norm.kind, epsilon: st.norm.epsilon, momentum: st.norm.momentum, groups: st.norm.kind === 'group' ? st.norm.groups : 1 }, [y], role, span);
      return this.act(`down${level}.act`, y, st.activation, role, span);
    }
    return this.g.add(`down${level}`, { op: 'pool', kind: poolKind(down.kind), kernel: down.kernel, stride }, [x], role, span);
  }

  up(level: number, x: LoweredNode): LoweredNode {
    const { up, dims, down } = this.spec;
    const role: Role = { path: 'decoder', level };
    const span = this.span('up');
    const filters = up.keepChannels ? x.shape.channels : this.spec.levelFilters[level - 1]!;
    const scale = fill(dims, down.stride);
    const prefix = `dec${level}`;
    switch (up.kind) {
      case 'transposed': {
        // Kernel equal to the stride tiles exactly (the paper's 2x2 up-conv); otherwise `same`.
        const padding = up.kernel.every((k, i) => k === scale[i]) ? 'valid' : 'same';
        return this.g.add(`${prefix}.up`, { op: 'conv_transpose', filters, kernel: up.kernel, stride: scale, padding, bias: true, init: this.spec.init }, [x], role, span);
      }
      case 'pixel_shuffle': {
        const y = this.conv(`${prefix}.up_conv`, x, role, span, { filters: filters * down.stride ** dims, kernel: up.kernel, padding: 'same' });
        return this.g.add(`${prefix}.up`, { op: 'pixel_shuffle', scale: down.stride }, [y], role, span);
      }
      default: {
        let y = this.g.add(`${prefix}.up`, { op: 'upsample', mode: up.kind, scale, alignCorners: up.alignCorners }, [x], role, span);
        if (up.conv) {
          y = this.conv(`${prefix}.up_conv`, y, role, span, { filters, kernel: up.conv.kernel, padding: 'same' });
          if (up.conv.activation) y = this.act(`${prefix}.up_act`, y, up.conv.activation, role, span);
        }
        return y;
      }
    }
  }

  build(size: number[]): LoweredNode[] {
    const spec = this.spec;
    const input = this.g.add('input', { op: 'input' }, [], { path: 'input', level: 1 }, this.span('input'));
    input.shape = { channels: spec.input.channels, size };
    const skips: LoweredNode[] = [];
    let x = input;
    for (const st of spec.encoder) {
      x = this.stage(`enc${st.level}`, x, st);
      skips.push(x);
      x = this.down(st.level, x);
    }
    x = this.stage('bottom', x, spec.bottom);
    for (const st of spec.decoder) {
      const level = st.level;
      const role: Role = { path: 'decoder', level };
      const skipSpan = this.span('skip', 'up');
      x = this.up(level, x);
      if (spec.skip.kind !== 'none') {
        let skip = this.cropTo(`dec${level}.crop`, skips[level - 1]!, x, role, skipSpan);
        if (spec.skip.attention) skip = this.attentionGate(`dec${level}.gate`, skip, x, role, skipSpan);
        if (spec.skip.kind === 'add' && skip.shape.channels !== x.shape.channels)
          throw new LoweringError(
            `\`skip add\` at level ${level} adds the skip's ${skip.shape.channels} channels to the upsampled map's ${x.shape.channels}: they must be equal`,
            skipSpan,
            `dec${level}.add`,
            true,
          );
        // The skip comes first, as in the paper and the popular PyTorch U-Net (cat([x2, x1])).
        x = this.g.add(`dec${level}.${spec.skip.kind}`, { op: spec.skip.kind }, [skip, x], role, skipSpan);
      }
      x = this.stage(`dec${level}`, x, st);
    }
    const headRole: Role = { path: 'head', level: 1 };
    const headSpan = this.span('head', 'output');
    spec.head.forEach((h, i) => {
      x = this.conv(`head.conv${i + 1}`, x, headRole, headSpan, { filters: h.filters, kernel: h.kernel });
      if (h.activation) x = this.act(`head.act${i + 1}`, x, h.activation, headRole, headSpan);
    });
    const outSpan = this.span('output');
    x = this.conv('head.out', x, headRole, outSpan, { filters: spec.classes, kernel: fill(spec.dims, 1), padding: 'same' });
    if (spec.activation !== 'none') x = this.act(`head.${spec.activation}`, x, { fn: spec.activation, alpha: 0 }, headRole, outSpan);
    return this.g.nodes;
  }
}

/** The IR nodes of `spec` at one concrete spatial input size; throws LoweringError. */
export function lowerAt(spec: ResolvedSpec, size: number[]): LoweredNode[] {
  return new ULowering(spec).build(size);
}
