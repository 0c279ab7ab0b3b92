// The intermediate representation: plain JSON that every backend compiles from.
// Shapes, parameter counts and FLOPs are computed once, here in the IR layer
// (src/language/shapes/); backends read them and never compute shapes themselves.
// schema.json is generated from these types (`npm run build:schema`, ts-json-schema-generator):
// the JSDoc tags below (@minimum, @pattern, @minItems...) are the schema's constraints, and a
// test fails when the committed schema.json is not what the generator writes.

export const IR_VERSION = 1;

// Numbers with a constraint, named once so every field that uses one says so in its type.
/** @asType integer */
export type Int = number;
/** @asType integer @minimum 1 */
export type PositiveInt = number;
/** @asType integer @minimum 0 */
export type NonNegativeInt = number;
/** @exclusiveMinimum 0 */
export type Positive = number;
/** @minimum 0 */
export type NonNegative = number;
/** @minimum 0 @maximum 1 */
export type Fraction = number;

/** A source location: 1-based line and column, end exclusive. */
export interface Span {
  file: string;
  line: PositiveInt;
  column: PositiveInt;
  endLine: PositiveInt;
  endColumn: PositiveInt;
}

/**
 * One spatial extent as an exact function of the input extent s:
 * size = s * num / den + offset. Valid for every legal input size.
 */
export interface SymDim {
  num: Int;
  den: PositiveInt;
  offset: number;
}

/** A feature map without its batch axis: channels, spatial sizes (null when symbolic). */
export interface Shape {
  channels: PositiveInt;
  /**
   * [H, W] or [D, H, W]; null entries when the input size is not fixed.
   * @minItems 2
   * @maxItems 3
   */
  size: (PositiveInt | null)[];
  /**
   * The same sizes as functions of the input size, per spatial axis.
   * @minItems 2
   * @maxItems 3
   */
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
  level: PositiveInt;
}

/**
 * One value per spatial axis (2D or 3D).
 * @minItems 2
 * @maxItems 3
 */
export type PerAxis<T> = T[];

/** The operation of a node and its attributes, by `op`. */
export type NodeOp =
  | { op: 'input' }
  | {
      op: 'conv';
      filters: PositiveInt;
      kernel: PerAxis<PositiveInt>;
      stride: PerAxis<PositiveInt>;
      dilation: PerAxis<PositiveInt>;
      padding: Padding;
      bias: boolean;
      init: Init;
    }
  | {
      op: 'conv_transpose';
      filters: PositiveInt;
      kernel: PerAxis<PositiveInt>;
      stride: PerAxis<PositiveInt>;
      padding: Padding;
      bias: boolean;
      init: Init;
    }
  | {
      op: 'norm';
      kind: NormKind;
      epsilon: Positive;
      /** Fraction of the new batch statistic mixed in (PyTorch convention: 0.1). */
      momentum: Fraction;
      /** Group count for group norm; 1 otherwise. */
      groups: PositiveInt;
    }
  | { op: 'activation'; fn: ActivationFn; alpha: NonNegative }
  | { op: 'pool'; kind: PoolKind; kernel: PerAxis<PositiveInt>; stride: PerAxis<PositiveInt> }
  | { op: 'global_avg_pool' }
  | { op: 'upsample'; mode: UpsampleMode; scale: PerAxis<PositiveInt>; alignCorners: boolean }
  | {
      op: 'pixel_shuffle';
      /** @asType integer @minimum 2 */
      scale: number;
    }
  /** Removes begin[i] leading and end[i] trailing pixels on spatial axis i (valid-padding skips). */
  | { op: 'crop'; begin: PerAxis<NonNegativeInt>; end: PerAxis<NonNegativeInt> }
  /** Concatenation along the channel axis, inputs in order. */
  | { op: 'concat' }
  | { op: 'add' }
  /** Elementwise product; the second input broadcasts (1 channel, or 1x1 spatial). */
  | { op: 'mul' }
  | {
      op: 'dropout';
      /** @minimum 0 @exclusiveMaximum 1 */
      rate: number;
    };

export type PoolKind = 'max' | 'avg';
export type UpsampleMode = 'nearest' | 'bilinear';

export type OpName = NodeOp['op'];

/** The node of one op, e.g. NodeOf<'conv'>: what each backend's lowering of that op receives. */
export type NodeOf<K extends OpName> = Extract<Node, { op: K }>;

/**
 * A node of the graph: its operation and where it sits, with its shape and cost.
 * @discriminator op
 */
export type Node = NodeOp & {
  /**
   * Unique, readable id such as "enc2.conv1" or "dec1.up".
   * @pattern ^[A-Za-z0-9_.]+$
   */
  id: string;
  inputs: string[];
  role: Role;
  /** Output shape at the model's input size. */
  shape: Shape;
  /** Trainable parameters of this node. */
  params: NonNegativeInt;
  /** Multiply-adds of this node at the model's input size (null when symbolic). */
  macs: NonNegativeInt | null;
  span: Span;
};

export type LossKind = 'bce' | 'ce' | 'dice' | 'ce_dice' | 'weighted_ce';
export type OptimizerKind = 'sgd' | 'adam' | 'rmsprop';
export type ScheduleKind = 'constant' | 'plateau' | 'cosine' | 'poly';
export type NormalizeMode = 'unit' | 'image' | 'dataset';

export interface AugmentConfig {
  /** U-Net paper: displacements on a coarse 3x3 grid, Gaussian with 10 px standard deviation. */
  elastic: {
    /** @asType integer @minimum 2 */
    grid: number;
    sigma: NonNegative;
  } | null;
  /** Random horizontal and vertical flips (each with probability 1/2). */
  flip: boolean;
  /** Random multiples of 90 degrees (an odd multiple swaps height and width). */
  rotate90: boolean;
  /**
   * Maximum rotation in degrees, uniform in [-rotate, rotate] (0 = off).
   * @minimum 0
   * @maximum 180
   */
  rotate: number;
  /**
   * Maximum shift as a fraction of the image size, uniform per axis (0 = off).
   * @minimum 0
   * @maximum 0.5
   */
  shift: number;
  /** Maximum added brightness, uniform in [-brightness, brightness]. */
  brightness: Fraction;
  /** Maximum contrast change: (v - mean) is scaled by a factor in [1 - contrast, 1 + contrast]. */
  contrast: Fraction;
  /** Maximum log-gamma: v -> v^g with ln g uniform in [-gamma, gamma] (on [0,1] values). */
  gamma: Fraction;
}

export interface TrainConfig {
  loss: LossKind;
  optimizer: {
    kind: OptimizerKind;
    lr: Positive;
    momentum: Fraction;
    nesterov: boolean;
    weightDecay: NonNegative;
  };
  schedule: {
    kind: ScheduleKind;
    patience: PositiveInt;
    /** @exclusiveMinimum 0 @maximum 1 */
    factor: number;
    power: Positive;
    minLr: NonNegative;
  };
  batch: PositiveInt;
  epochs: PositiveInt;
  /**
   * Wall-time budget in seconds (`time 20m`): training runs until it is spent, whatever
   * `epochs` says, and the schedule follows the elapsed fraction. Absent: `epochs` epochs.
   */
  time?: Positive;
  /** Gradient clipping by global norm; null = off. */
  clip: Positive | null;
  /** @minimum 0 @maximum 0.9 */
  valSplit: number;
  seed: NonNegativeInt;
  /** Training crop (network input window) per spatial axis; null = whole images. */
  crop: TrainCrop | null;
  /**
   * U-Net paper, sec. 3: w0 = 10, sigma = 5 px. Cells are the connected components of
   * class `cellClass` (ISBI 2012: the cell interiors, class 0; the membranes are the gaps).
   */
  weightMap: { w0: NonNegative; sigma: Positive; cellClass: NonNegativeInt } | null;
  augment: AugmentConfig;
  normalize: NormalizeMode;
  /** Class i is the pixels whose mask value is maskValues[i]; null = sorted unique values. */
  maskValues: MaskValues | null;
}

/** @minItems 1 @maxItems 3 */
export type TrainCrop = PositiveInt[];
/** @minItems 1 */
export type MaskValues = NonNegativeInt[];

export interface Model {
  /** @const 1 */
  irVersion: number;
  /** @minLength 1 */
  name: string;
  /** 2 for images, 3 for volumes. */
  dims: 2 | 3;
  input: Shape;
  output: Shape & { activation: 'softmax' | 'sigmoid' | 'none' };
  classes: PositiveInt;
  classNames: string[];
  padding: Padding;
  depth: PositiveInt;
  /**
   * Nodes in topological order; nodes[0] is the input.
   * @minItems 2
   */
  nodes: Node[];
  /** Id of the node whose output is the model's output. */
  outputNode: string;
  /** Legal input extents per spatial axis: s >= min and s % modulus == residue. */
  legalSizes: {
    min: PositiveInt;
    modulus: PositiveInt;
    /** @minItems 1 */
    residues: NonNegativeInt[];
  };
  totals: {
    params: NonNegativeInt;
    /** 2 x multiply-adds of all convolutions, at the model's input size (null when symbolic). */
    flops: NonNegativeInt | null;
    macs: NonNegativeInt | null;
    convLayers: NonNegativeInt;
    /** In input pixels along one axis; null when a global pooling sees the whole input. */
    receptiveField: PositiveInt | null;
  };
  train: TrainConfig;
  source: { file: string; text: string };
}
