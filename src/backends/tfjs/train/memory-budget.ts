// Refuses a training that cannot fit in memory before anything is allocated: a run past the
// machine's memory is killed by the system (or swaps for minutes), and a wasm engine past
// its 4 GiB address space fails mid-step with "memory access out of bounds".
// The estimate is the one `unet check --batch B` prints (src/language/shapes/summary.ts).
import { freemem } from 'node:os';
import type { Model } from '../../../language/ir/types.ts';
import { trainingMemory } from '../../../language/shapes/summary.ts';

/** wasm32 addresses at most 2^32 bytes; each wasm engine (one per data-parallel replica) has its own memory. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/** Set to `off` to train anyway (the estimate is rough: activations kept for the backward pass, weights, Adam moments). */
export const OVERRIDE_ENV = 'UNET_MEMORY_CHECK';

export interface MemoryRequest {
  /** The IR at the training input size (the crop, or the images' size). */
  ir: Model;
  batch: number;
  engine: string;
  /** Data-parallel replicas: each holds its share of the batch in its own engine. */
  workers: number;
  /** Bytes the machine can give this process (default: what Node reports as available). */
  available?: number;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Why the training does not fit, naming the estimate, the limit and what to change; null when it fits. */
export function memoryProblem({ ir, batch, engine, workers, available = availableMemory() }: MemoryRequest): string | null {
  const total = trainingMemory(ir, batch);
  if (total === null) return null;
  const perReplica = trainingMemory(ir, Math.ceil(batch / workers)) as number;
  const at = `${ir.name} at batch ${batch} on ${ir.input.size.join('x')} inputs`;
  const check = (b: number) => `the estimate of \`unet check --batch ${b} --input ${[ir.input.channels, ...ir.input.size].join('x')}\``;
  const change = `lower the batch (--batch), the training crop (train { crop ... }) or the filters, or set ${OVERRIDE_ENV}=off to try anyway`;
  if (total > available) {
    return `${at} needs about ${gib(total)} to train (${check(batch)}), more than the ${gib(available)} of memory available: ${change}`;
  }
  if (engine === 'wasm' && perReplica > WASM_MEMORY_LIMIT) {
    const share = workers > 1 ? ` per replica (${workers} replicas)` : '';
    return `${at} needs about ${gib(perReplica)}${share} to train (${check(Math.ceil(batch / workers))}), more than the 4 GiB a wasm engine can address: ${change}, or train with more --workers`;
  }
  return null;
}

/** Memory this process may still use: free memory, within a container's limit where Node knows one. */
function availableMemory(): number {
  return process.availableMemory?.() ?? freemem();
}

/** Throws memoryProblem's message unless UNET_MEMORY_CHECK=off. */
export function assertTrainingFits(request: MemoryRequest): void {
  if (process.env[OVERRIDE_ENV] === 'off') return;
  const problem = memoryProblem(request);
  if (problem) throw new Error(problem);
}
