// Messages between the main thread (replica 0, data-parallel.ts) and a worker thread
// (replica.ts). Arrays travel as transferable Float32Array / Int32Array buffers.
import type { TrainConfig } from '../../../../language/ir/types.ts';
import type { EngineName } from '../../engines.ts';
import type { TrainState } from '../loop.ts';

/** A slice of a batch along its first axis, as plain arrays. */
export interface Shard {
  x: Float32Array;
  xShape: number[];
  labels: Int32Array;
  labelsShape: number[];
  weights: Float32Array | null;
  /** Seed of this shard's dropout generator (TrainingLoop.seedDropout). */
  dropoutSeed: number;
}

export type ToReplica =
  /** Build the replica: the model's topology and every weight (model.weights order), the loop state (optimizer slots). */
  | { type: 'init'; engine: EngineName; topology: object; weights: Float32Array[]; config: TrainConfig; state: TrainState }
  /** Loss and gradients of one shard; answered with 'gradients'. */
  | { type: 'gradients'; shard: Shard }
  /** Clip (train.clip) and apply the averaged gradients, all weights in one flat array (trainable-weight order); no answer. */
  | { type: 'update'; grads: Float32Array; lr: number }
  /** Every weight (model.weights order); answered with 'weights'. */
  | { type: 'weights' };

export type FromReplica =
  | { type: 'ready'; backend: string }
  | { type: 'gradients'; loss: number; grads: Float32Array[] }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'error'; message: string };
