// The intermediate representation: plain JSON that every backend compiles from.
// Shapes, parameter counts and FLOPs are computed once, here in the IR layer
// (src/shapes/); backends read them and never compute shapes themselves.
// The JSON Schema in schema.json mirrors these types; validate.ts enforces it.

export const IR_VERSION = 1;

/** A source location: 1-based line and column, end exclusive. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * One spatial extent as an exact function of the input extent s:
 * size = s * num / den + offset. Valid for every legal input size.
 */
export interface SymDim {
  num: number;
  den: number;
  offset: number;
}

/** A feature map without its batch axis: channels, spatial sizes (null when symbolic). */
export interface Shape {
  channels: number;
  /** [H, W] or [D, H, W]; null entries when the input size is not fixed. */
  size: (number | null)[];
  /** The same sizes as functions of the input size, per spatial axis. */
  symbolic: SymDim[];
}

export type Padding = 'valid' | 'same';
export type Init = 'he_normal' | 'he_uniform' | 'glorot_normal' | 'glorot_uniform' | 'lecun_normal' | 'zeros';
export type ActivationFn = 'relu' | 'leaky_relu' | 'elu' | 'gelu' | 'sigmoid' | 'softmax' | 'tanh';
export type NormKind = 'batch' | 'instance' | 'group';

/** Where a node sits in the U, for tables and diagrams. */
export interface Role {
  path: 'input' | 'encoder' | 'bottom' | 'decoder' | 'head';
  /** 1 = full resolution (top of the U), depth + 1 = bottom. */
  level: number;
}

export type NodeOp =
  | { op: 'input' }
  | {
      op: 'conv';
      filters: number;
      kernel: number[];
      stride: number[];
      dilation: number[];
      padding: Padding;
      bias: boolean;
      init: Init;
    }
  | {
      op: 'conv_transpose';
      filters: number;
      kernel: number[];
      stride: number[];
      padding: Padding;
      bias: boolean;
      init: Init;
    }
  | {
      op: 'norm';
      kind: NormKind;
      epsilon: number;
      /** Fraction of the new batch statistic mixed in (PyTorch convention: 0.1). */
      momentum: number;
      /** Group count for group norm; 1 otherwise. */
      groups: number;
    }
  | { op: 'activation'; fn: ActivationFn; alpha: number }
  | { op: 'pool'; kind: 'max' | 'avg'; kernel: number[]; stride: number[] }
  | { op: 'global_avg_pool' }
  | { op: 'upsample'; mode: 'nearest' | 'bilinear'; scale: number[]; alignCorners: boolean }
  | { op: 'pixel_shuffle'; scale: number }
  /** Removes begin[i] leading and end[i] trailing pixels on spatial axis i (valid-padding skips). */
  | { op: 'crop'; begin: number[]; end: number[] }
  /** Concatenation along the channel axis, inputs in order. */
  | { op: 'concat' }
  | { op: 'add' }
  /** Elementwise product; the second input broadcasts (1 channel, or 1x1 spatial). */
  | { op: 'mul' }
  | { op: 'dropout'; rate: number };

export type OpName = NodeOp['op'];

export type Node = NodeOp & {
  /** Unique, readable id such as "enc2.conv1" or "dec1.up". */
  id: string;
  inputs: string[];
  role: Role;
  /** Output shape at the model's input size. */
  shape: Shape;
  /** Trainable parameters of this node. */
  params: number;
  /** Multiply-adds of this node at the model's input size (null when symbolic). */
  macs: number | null;
  span: Span;
};

export type LossKind = 'bce' | 'ce' | 'dice' | 'ce_dice' | 'weighted_ce';
export type OptimizerKind = 'sgd' | 'adam' | 'rmsprop';
export type ScheduleKind = 'constant' | 'plateau' | 'cosine' | 'poly';
export type NormalizeMode = 'unit' | 'image' | 'dataset';

export interface AugmentConfig {
  /** U-Net paper: displacements on a coarse 3x3 grid, Gaussian with 10 px standard deviation. */
  elastic: { grid: number; sigma: number } | null;
  /** Random horizontal and vertical flips (each with probability 1/2). */
  flip: boolean;
  /** Random multiples of 90 degrees (an odd multiple swaps height and width). */
  rotate90: boolean;
  /** Maximum rotation in degrees, uniform in [-rotate, rotate] (0 = off). */
  rotate: number;
  /** Maximum shift as a fraction of the image size, uniform per axis (0 = off). */
  shift: number;
  /** Maximum added brightness, uniform in [-brightness, brightness]. */
  brightness: number;
  /** Maximum contrast change: (v - mean) is scaled by a factor in [1 - contrast, 1 + contrast]. */
  contrast: number;
  /** Maximum log-gamma: v -> v^g with ln g uniform in [-gamma, gamma] (on [0,1] values). */
  gamma: number;
}

export interface TrainConfig {
  loss: LossKind;
  optimizer: {
    kind: OptimizerKind;
    lr: number;
    momentum: number;
    nesterov: boolean;
    weightDecay: number;
  };
  schedule: { kind: ScheduleKind; patience: number; factor: number; power: number; minLr: number };
  batch: number;
  epochs: number;
  /**
   * Wall-time budget in seconds (`time 20m`): training runs until it is spent, whatever
   * `epochs` says, and the schedule follows the elapsed fraction. Absent: `epochs` epochs.
   */
  time?: number;
  /** Gradient clipping by global norm; null = off. */
  clip: number | null;
  valSplit: number;
  seed: number;
  /** Training crop (network input window) per spatial axis; null = whole images. */
  crop: number[] | null;
  /**
   * U-Net paper, sec. 3: w0 = 10, sigma = 5 px. Cells are the connected components of
   * class `cellClass` (ISBI 2012: the cell interiors, class 0; the membranes are the gaps).
   */
  weightMap: { w0: number; sigma: number; cellClass: number } | null;
  augment: AugmentConfig;
  normalize: NormalizeMode;
  /** Class i is the pixels whose mask value is maskValues[i]; null = sorted unique values. */
  maskValues: number[] | null;
}

export interface Model {
  irVersion: number;
  name: string;
  /** 2 for images, 3 for volumes. */
  dims: 2 | 3;
  input: Shape;
  output: Shape & { activation: 'softmax' | 'sigmoid' | 'none' };
  classes: number;
  classNames: string[];
  padding: Padding;
  depth: number;
  /** Nodes in topological order; nodes[0] is the input. */
  nodes: Node[];
  /** Id of the node whose output is the model's output. */
  outputNode: string;
  /** Legal input extents per spatial axis: s >= min and s % modulus == residue. */
  legalSizes: { min: number; modulus: number; residues: number[] };
  totals: {
    params: number;
    /** 2 x multiply-adds of all convolutions, at the model's input size (null when symbolic). */
    flops: number | null;
    macs: number | null;
    convLayers: number;
    /** In input pixels along one axis; null when a global pooling sees the whole input. */
    receptiveField: number | null;
  };
  train: TrainConfig;
  source: { file: string; text: string };
}
