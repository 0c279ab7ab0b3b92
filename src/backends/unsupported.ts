// What every backend says when an IR node is beyond it: one error listing every such node
// with the backend's name and the spec location, so a user sees all the problems at once
// (tf2onnx collects unsupported ops the same way).
import type { OpName, Span } from '../language/ir/types.ts';

/** One IR node a backend cannot express, and where it came from in the spec. */
export interface Problem {
  nodeId: string;
  op: OpName;
  message: string;
  span: Span;
}

export class UnsupportedOpsError extends Error {
  constructor(
    readonly backend: string,
    readonly problems: Problem[],
  ) {
    const lines = problems.map((p) => `  ${p.span.file}:${p.span.line}:${p.span.column}: ${p.op} (node ${p.nodeId}): ${p.message}`);
    super(`the ${backend} backend cannot express ${problems.length} node(s):\n${lines.join('\n')}`);
    this.name = 'UnsupportedOpsError';
  }
}
