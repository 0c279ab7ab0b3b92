// Per-stage rows and totals of a model, for `unet check` (and the diagram's caption).
import type { Model, Node } from '../ir/types.ts';

export interface StageRow {
  /** The node-id prefix: "enc1", "down1", "bottom", "dec4", "head". */
  stage: string;
  path: Node['role']['path'];
  level: number;
  output: Node['shape'];
  params: number;
  macs: number | null;
}

/** Nodes grouped by their stage, in graph order. */
export function stageRows(model: Model): StageRow[] {
  const rows: StageRow[] = [];
  for (const n of model.nodes) {
    const stage = n.id.split('.')[0]!;
    let row = rows.at(-1);
    if (!row || row.stage !== stage) {
      row = { stage, path: n.role.path, level: n.role.level, output: n.shape, params: 0, macs: n.macs === null ? null : 0 };
      rows.push(row);
    }
    row.output = n.shape;
    row.params += n.params;
    row.macs = row.macs === null || n.macs === null ? null : row.macs + n.macs;
  }
  return rows;
}

/**
 * Rough memory of one training step at `batch` images, in bytes: every node's output kept
 * for the backward pass plus as much again for gradients, and weights, gradients and two
 * Adam moments per parameter (float32). Null when the input size is open.
 */
export function trainingMemory(model: Model, batch: number): number | null {
  let activations = 0;
  for (const n of model.nodes) {
    if (n.shape.size.some((s) => s === null)) return null;
    activations += n.shape.channels * (n.shape.size as number[]).reduce((a, b) => a * b, 1);
  }
  return 4 * (2 * activations * batch + 4 * model.totals.params);
}
