// Known gaps of TensorFlow.js 4.22 that the lowering cannot hide: the model builds and
// runs, but a gradient is missing or an engine's kernel is wrong. Kept in one list so that
// callers (training, `unet` commands) can warn before running, with spec locations, and so
// that tests assert exactly these gaps (a fixed gap makes its test fail and get removed).
import type { Model, Node, Span } from '../../language/ir/types.ts';
import type { EngineName } from './engines.ts';

export interface Gap {
  /** Engines affected; null = all. */
  engines: EngineName[] | null;
  /** Only a problem when training (a missing gradient). */
  trainingOnly: boolean;
  applies: (node: Node, dims: 2 | 3) => boolean;
  message: (node: Node) => string;
}

export const GAPS: Gap[] = [
  {
    // tfjs-core conv2d gradient: "dilation rates greater than 1 are not yet supported in gradients".
    engines: null,
    trainingOnly: true,
    applies: (node) => node.op === 'conv' && node.dilation.some((d) => d > 1),
    message: (node) => `training conv with dilation [${node.op === 'conv' ? node.dilation : ''}] is not supported (tfjs has no gradient for dilated convolutions)`,
  },
];

/**
 * tfjs-backend-webgpu 4.22 kernels replaced by src/backends/tfjs/kernels/webgpu/ (fixed, so no
 * warning is due; listed so the engine's known differences are in this one file).
 */
export const WEBGPU_FIXES: { kernel: string; problem: string; file: string }[] = [
  { kernel: 'Cast', problem: 'int32/bool to float32 only relabels the i32 buffer; later shaders are refused (type mismatch) and results are garbage', file: 'cast-to-float.ts' },
  { kernel: 'Add, Sub, Multiply, RealDiv, ... (binary ops)', problem: 'a rank >= 5 tensor with a 1-D one indexes a vec5 struct: invalid shader', file: 'binary-rank.ts' },
  { kernel: 'AddN', problem: 'more inputs than maxStorageBuffersPerShaderStage make an invalid pipeline', file: 'add-n.ts' },
];

function where(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/**
 * The known gaps that affect this model on this engine: one located message per gap and
 * spec location, naming the nodes (a stage setting reaches many nodes from one line).
 */
export function knownGaps(ir: Model, engine: EngineName, training: boolean): string[] {
  const gaps = GAPS.filter((g) => (g.engines === null || g.engines.includes(engine)) && (training || !g.trainingOnly));
  const nodes = new Map<string, string[]>();
  for (const node of ir.nodes)
    for (const g of gaps.filter((gap) => gap.applies(node, ir.dims))) {
      const line = `${where(node.span)}: tfjs backend (${engine}): ${g.message(node)}`;
      nodes.set(line, [...(nodes.get(line) ?? []), node.id]);
    }
  return [...nodes].map(([line, ids]) => `${line} (${ids.length === 1 ? 'node' : 'nodes'} ${ids.join(', ')})`);
}
