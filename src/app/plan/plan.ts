// What `unet plan` decides: every choice with the reason rules.ts gives for it, which
// write.ts prints beside it as a comment.
import type { NormalizeMode } from '../../data/normalize.ts';

/** A value and why the planner chose it (one line, printed as the `# why` comment). */
export interface Choice<T> {
  value: T;
  why: string;
}

/** One network the probe times: the architecture, the training window and the batch. */
export interface Candidate {
  depth: number;
  filters: number;
  padding: 'valid' | 'same';
  /** Training input window; null = whole images (they are all `size` and legal). */
  crop: number | null;
  /** The input extent one step trains on (the crop, or the images' size). */
  size: number;
  batch: number;
  /** FLOPs of one forward pass of the batch. */
  flops: number;
}

export interface Plan {
  name: string;
  channels: number;
  classes: number;
  labels: string[];
  maskValues: Choice<number[] | null>;
  depth: Choice<number>;
  filters: Choice<number>;
  padding: Choice<'valid' | 'same'>;
  /** Drop-out rate at the end of the contracting path (the bottom stage); 0 = none. */
  dropout: Choice<number>;
  crop: Choice<number | null>;
  batch: Choice<number>;
  loss: Choice<'weighted_ce' | 'ce_dice'>;
  weightMap: Choice<{ w0: number; sigma: number; cellClass: number } | null>;
  normalize: Choice<NormalizeMode>;
  optimizer: Choice<string>;
  schedule: Choice<string>;
  augment: Choice<string[]>;
  epochs: Choice<number>;
  /** Wall-time budget, seconds. */
  time: Choice<number>;
  valSplit: number;
  seed: number;
}
