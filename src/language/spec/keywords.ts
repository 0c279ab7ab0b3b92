// Every keyword of the language: where it may appear, its syntax (shown in hints and in
// docs/language.md) and how its values are read. One table, so an unknown keyword can be
// answered with "did you mean ...?" from the keywords valid at that place.
import type { ActivationFn, Init, LossKind, NormalizeMode, OptimizerKind, ScheduleKind } from '../ir/types.ts';
import type { Cursor } from './cursor.ts';
import type { ActivationSetting, DeepPartial, NormSetting, Settings, StageSettings } from './types.ts';
import type { AugmentConfig, TrainConfig } from '../ir/types.ts';

/** Where a statement stands: in a `unet` block, a stage block, `train` or `augment`. */
export type Place = 'unet' | 'stage' | 'train' | 'augment';

export interface Keyword<T> {
  syntax: string;
  doc: string;
  read: (c: Cursor, target: T) => void;
}

export const ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'gelu', 'tanh', 'sigmoid'] as const satisfies readonly ActivationFn[];
export const INITS = ['he_normal', 'he_uniform', 'glorot_normal', 'glorot_uniform', 'lecun_normal'] as const satisfies readonly Init[];

/** `relu`, `leaky_relu 0.01`, `elu 1.0` ... */
export function readActivation(c: Cursor): ActivationSetting {
  const fn = c.word(ACTIVATIONS, 'an activation');
  const defaultAlpha = fn === 'leaky_relu' ? 0.01 : fn === 'elu' ? 1 : 0;
  const alpha = (fn === 'leaky_relu' || fn === 'elu') && c.nextIsNumber() ? c.number('the activation alpha', { min: 0 }) : defaultAlpha;
  return { fn, alpha };
}

function readNorm(c: Cursor): NormSetting | null {
  const kind = c.word(['none', 'batch', 'instance', 'group'] as const, 'a normalization');
  if (kind === 'none') return null;
  // PyTorch defaults (epsilon 1e-5, momentum 0.1); Keras' are epsilon 1e-3, momentum 0.01.
  const norm: NormSetting = { kind, groups: 1, epsilon: 1e-5, momentum: 0.1 };
  const positional = kind === 'group' && c.nextIsNumber() ? c.peek() : undefined;
  if (kind === 'group') norm.groups = positional ? c.integer('the group count') : 8;
  c.options({
    epsilon: () => (norm.epsilon = c.number('epsilon', { min: 0, minExclusive: true })),
    momentum: () => (norm.momentum = c.number('momentum', { min: 0, max: 1 })),
    groups: () => {
      const at = c.peek();
      norm.groups = c.integer('the group count');
      if (positional) c.statementError(`the group count is given twice (first ${positional.text} at column ${positional.span.column})`, at!, 'give it once');
    },
  });
  return norm;
}

/**
 * Convolutions a stage or the head may have. U-Nets use 2 or 3; the bound keeps a typo
 * (`convs 20000`) from building a graph of millions of layers (the fuzz test found it).
 */
export const MAX_CONVS = 16;

/** Keywords of a conv block; valid in the `unet` block, `encoder`, `decoder`, `bottom` and `level`. */
export const stageKeywords: Record<string, Keyword<Partial<StageSettings>>> = {
  convs: { syntax: 'convs N', doc: 'convolutions per stage (default 2)', read: (c, t) => (t.convs = c.integer('the number of convolutions', 1, MAX_CONVS)) },
  kernel: { syntax: 'kernel 3x3', doc: 'kernel size of the stage convolutions (default 3)', read: (c, t) => (t.kernel = c.size('a kernel size')) },
  dilation: { syntax: 'dilation D', doc: 'dilation of the stage convolutions (default 1)', read: (c, t) => (t.dilation = c.integer('the dilation')) },
  bias: { syntax: 'bias on|off', doc: 'a bias in each convolution (default on; off when a norm follows is common)', read: (c, t) => (t.bias = c.onOff()) },
  norm: {
    syntax: 'norm none|batch|instance|group [G] [epsilon E] [momentum M]',
    doc: 'normalization after each convolution (default none; epsilon 1e-5, momentum 0.1 as in PyTorch)',
    read: (c, t) => (t.norm = readNorm(c)),
  },
  activation: {
    syntax: 'activation relu|leaky_relu [A]|elu [A]|gelu|tanh|sigmoid',
    doc: 'activation after each convolution (default relu)',
    read: (c, t) => (t.activation = readActivation(c)),
  },
  dropout: {
    syntax: 'dropout P',
    doc: 'dropout rate at the end of the stage (default 0: none)',
    read: (c, t) => (t.dropout = c.number('the dropout rate', { min: 0, max: 0.99 })),
  },
  se: {
    syntax: 'se R|off',
    doc: 'squeeze-and-excitation with reduction ratio R at the end of the stage (default off)',
    read: (c, t) => (t.se = c.accept('off') ? null : c.integer('the reduction ratio')),
  },
  residual: { syntax: 'residual on|off', doc: 'a residual shortcut around the stage convolutions (default off)', read: (c, t) => (t.residual = c.onOff()) },
  filters: {
    syntax: 'filters N[, N...]',
    doc: 'inside a stage: output channels of each convolution (one number applies to all)',
    read: (c, t) => (t.filters = c.numbers('a channel count')),
  },
};

type UnetTarget = Partial<Settings>;

/** Keywords of a `unet` block (besides the stage keywords and the sections). */
export const unetKeywords: Record<string, Keyword<UnetTarget>> = {
  input: {
    syntax: 'input C [x H x W | x D x H x W]',
    doc: 'input channels and optionally the spatial size (`?` for a size left open)',
    read: (c, t) => {
      const { values, value } = c.dims('the input channels, e.g. 1 x 572 x 572');
      const [channels, ...size] = values;
      if (channels === null || channels === undefined || channels < 1 || !Number.isInteger(channels))
        c.statementError('the input must start with a positive channel count', value);
      if (size.some((s) => s !== null && (s < 1 || !Number.isInteger(s)))) c.statementError(`input sizes must be positive whole numbers, found ${value.text}`, value);
      if (size.length === 1 || size.length > 3) c.statementError(`the input must be C x H x W or C x D x H x W, found ${value.text}`, value);
      t.input = { channels: channels!, size: size.length ? size : null };
      if (size.length) t.dims = size.length as 2 | 3;
    },
  },
  dims: { syntax: 'dims 2|3', doc: 'images (2) or volumes (3); implied by the input size', read: (c, t) => (t.dims = c.integer('2 or 3', 2, 3) as 2 | 3) },
  output: {
    syntax: 'output N classes [softmax|sigmoid|none]',
    doc: 'output channels and the head activation (default softmax for N > 1, sigmoid for 1)',
    read: (c, t) => {
      const classes = c.integer('the number of classes');
      c.word(['classes', 'class'] as const, 'the word `classes` (or `class`)');
      const activation = c.atEnd() ? null : c.word(['softmax', 'sigmoid', 'none'] as const, 'a head activation');
      t.output = { classes, activation };
    },
  },
  labels: { syntax: 'labels "name", ...', doc: 'class names, in class order', read: (c, t) => (t.labels = c.strings('class names')) },
  head: {
    syntax: 'head conv KxK filters N [activation]',
    doc: 'an extra convolution before the 1x1 output convolution (repeat for more)',
    read: (c, t) => {
      if ((t.head?.length ?? 0) >= MAX_CONVS) c.statementError(`a head has at most ${MAX_CONVS} convolutions`, c.statement.values[0]!, 'remove some `head` lines');
      c.word(['conv'] as const, 'the word `conv`');
      const kernel = c.size('a kernel size');
      c.word(['filters'] as const, 'the word `filters`');
      const filters = c.integer('a channel count');
      const activation = c.atEnd() ? null : readActivation(c);
      t.head = [...(t.head ?? []), { kernel, filters, activation }];
    },
  },
  depth: { syntax: 'depth N', doc: 'number of downsamplings (the paper: 4)', read: (c, t) => (t.depth = c.integer('the depth', 1, 10)) },
  filters: {
    syntax: 'filters B [doubling] | filters F1, F2, ...',
    doc: 'channels per level: B at the top, doubled at each level down; or one number per level, top to bottom',
    read: (c, t) => {
      const list = c.numbers('a channel count');
      if (list.length === 1) {
        c.accept('doubling');
        t.filters = { base: list[0]! };
      } else t.filters = { list };
    },
  },
  padding: { syntax: 'padding valid|same', doc: '`valid` (the paper: convolutions shrink the map, skips are cropped) or `same`', read: (c, t) => (t.padding = c.word(['valid', 'same'] as const, 'a padding')) },
  down: {
    syntax: 'down maxpool|avgpool|conv [KxK] [stride S]',
    doc: 'downsampling: max pool, average pool or strided convolution (default maxpool 2x2 stride 2)',
    read: (c, t) => {
      const kind = c.word(['maxpool', 'avgpool', 'conv'] as const, 'a downsampling');
      const kernel = c.peek()?.kind === 'dims' || c.nextIsNumber() ? c.size('a kernel size') : [2];
      let stride = 2;
      c.options({ stride: () => (stride = c.integer('the stride', 2)) });
      t.down = { kind, kernel, stride };
    },
  },
  up: {
    syntax: 'up transposed [KxK] [keep_channels] | bilinear [align_corners] | nearest | pixel_shuffle, then optionally conv KxK [activation]',
    doc: 'upsampling (default transposed 2x2, to the level\'s channels unless keep_channels); bilinear and nearest keep the channels unless a conv follows',
    read: (c, t) => {
      const kind = c.word(['transposed', 'bilinear', 'nearest', 'pixel_shuffle'] as const, 'an upsampling');
      const kernel = kind === 'transposed' && (c.peek()?.kind === 'dims' || c.nextIsNumber()) ? c.size('a kernel size') : kind === 'pixel_shuffle' ? [1] : [2];
      let alignCorners = false;
      let keepChannels = false;
      let conv: { kernel: number[]; activation: ActivationSetting | null } | null = null;
      c.options({
        align_corners: () => {
          if (kind !== 'bilinear') c.statementError('`align_corners` applies only to `up bilinear`', c.statement.values.at(-1)!);
          alignCorners = true;
        },
        keep_channels: () => (keepChannels = true),
        conv: () => {
          const size = c.size('a kernel size');
          conv = { kernel: size, activation: c.nextIsWord(ACTIVATIONS) ? readActivation(c) : null };
        },
      });
      t.up = { kind, kernel, alignCorners, keepChannels, conv };
    },
  },
  skip: {
    syntax: 'skip concat|add|none [attention]',
    doc: 'how the encoder feeds the decoder (default concat); `attention` adds an attention gate',
    read: (c, t) => {
      const kind = c.word(['concat', 'add', 'none'] as const, 'a skip connection');
      const attention = c.accept('attention');
      if (attention && kind === 'none') c.statementError('an attention gate needs a skip connection to gate, but the skip is `none`', c.statement.values.at(-1)!, 'use `skip concat attention` or `skip add attention`');
      c.end();
      t.skip = { kind, attention };
    },
  },
  init: { syntax: 'init he_normal|he_uniform|glorot_normal|glorot_uniform|lecun_normal', doc: 'kernel initialisation (default he_normal, as in the paper)', read: (c, t) => (t.init = c.word(INITS, 'an initialisation')) },
};

type TrainTarget = DeepPartial<TrainConfig>;

const LOSSES = ['bce', 'ce', 'dice', 'ce_dice', 'weighted_ce'] as const satisfies readonly LossKind[];
const OPTIMIZERS = ['sgd', 'adam', 'rmsprop'] as const satisfies readonly OptimizerKind[];
const SCHEDULES = ['constant', 'plateau', 'cosine', 'poly'] as const satisfies readonly ScheduleKind[];
const NORMALIZE = ['unit', 'image', 'dataset'] as const satisfies readonly NormalizeMode[];

export const trainKeywords: Record<string, Keyword<TrainTarget>> = {
  loss: { syntax: 'loss bce|ce|dice|ce_dice|weighted_ce', doc: 'training loss (default ce; weighted_ce uses the border weight map)', read: (c, t) => (t.loss = c.word(LOSSES, 'a loss')) },
  optimizer: {
    syntax: 'optimizer sgd|adam|rmsprop [lr X] [momentum M] [nesterov] [weight_decay W]',
    doc: 'optimizer (default adam, lr 1e-3)',
    read: (c, t) => {
      const o: NonNullable<TrainTarget['optimizer']> = { kind: c.word(OPTIMIZERS, 'an optimizer') };
      c.options({
        lr: () => (o.lr = c.number('the learning rate', { min: 0, minExclusive: true })),
        momentum: () => (o.momentum = c.number('the momentum', { min: 0, max: 1 })),
        nesterov: () => (o.nesterov = true),
        weight_decay: () => (o.weightDecay = c.number('the weight decay', { min: 0 })),
      });
      if (o.lr !== undefined && t.optimizer?.lr !== undefined) c.statementError('the learning rate is given twice: by `lr` and by `optimizer ... lr`', c.statement.values[0]!, 'give it once');
      t.optimizer = { ...t.optimizer, ...o };
    },
  },
  lr: {
    syntax: 'lr X',
    doc: 'learning rate',
    read: (c, t) => {
      const at = c.peek();
      const lr = c.number('the learning rate', { min: 0, minExclusive: true });
      if (t.optimizer?.lr !== undefined) c.statementError('the learning rate is given twice: by `optimizer ... lr` and by `lr`', at!, 'give it once');
      t.optimizer = { ...t.optimizer, lr };
    },
  },
  schedule: {
    syntax: 'schedule constant|plateau|cosine|poly [patience N] [factor F] [power P] [min_lr X]',
    doc: 'learning-rate schedule (default constant; plateau watches validation Dice)',
    read: (c, t) => {
      const s: NonNullable<TrainTarget['schedule']> = { kind: c.word(SCHEDULES, 'a schedule') };
      c.options({
        patience: () => (s.patience = c.integer('the patience')),
        factor: () => (s.factor = c.number('the factor', { min: 0, max: 1, minExclusive: true })),
        power: () => (s.power = c.number('the power', { min: 0, minExclusive: true })),
        min_lr: () => (s.minLr = c.number('the minimum learning rate', { min: 0 })),
      });
      t.schedule = s;
    },
  },
  batch: { syntax: 'batch N', doc: 'images per step (default 4)', read: (c, t) => (t.batch = c.integer('the batch size')) },
  epochs: { syntax: 'epochs N', doc: 'passes over the training set (default 10)', read: (c, t) => (t.epochs = c.integer('the number of epochs')) },
  time: {
    syntax: 'time DURATION',
    doc: 'train for this wall time (e.g. 90s, 20m, 1h30m) instead of a number of epochs; schedules follow the elapsed fraction',
    read: (c, t) => (t.time = c.duration('a duration such as 20m, 90s or 1h30m')),
  },
  clip: { syntax: 'clip X|off', doc: 'gradient clipping by global norm (default off)', read: (c, t) => (t.clip = c.accept('off') ? null : c.number('the clipping norm', { min: 0, minExclusive: true })) },
  val_split: { syntax: 'val_split F', doc: 'fraction of the images held out for validation (default 0.2)', read: (c, t) => (t.valSplit = c.number('the validation fraction', { min: 0, max: 0.9 })) },
  seed: { syntax: 'seed N', doc: 'seed of initialisation, data order and augmentation (default 1)', read: (c, t) => (t.seed = c.integer('the seed', 0)) },
  crop: { syntax: 'crop S | crop HxW', doc: 'train on random crops of this input size (default: whole images)', read: (c, t) => (t.crop = c.size('a crop size')) },
  weight_map: {
    syntax: 'weight_map [w0 X] [sigma S] [cell_class K] | weight_map off',
    doc: 'the paper\'s border weight map for weighted_ce, or for the cross-entropy term of ce_dice (w0 10, sigma 5 px); cells are the connected regions of class K (default 1)',
    read: (c, t) => {
      if (c.accept('off')) return void (t.weightMap = null);
      const w = { w0: 10, sigma: 5, cellClass: 1 };
      c.options({
        w0: () => (w.w0 = c.number('w0', { min: 0 })),
        sigma: () => (w.sigma = c.number('sigma', { min: 0, minExclusive: true })),
        cell_class: () => (w.cellClass = c.integer('the cell class', 0)),
      });
      t.weightMap = w;
    },
  },
  normalize: { syntax: 'normalize unit|image|dataset', doc: 'input scaling: [0,1] (default), per-image or data-set mean and std', read: (c, t) => (t.normalize = c.word(NORMALIZE, 'a normalisation')) },
  mask_values: { syntax: 'mask_values V0, V1, ...', doc: 'class i is the mask pixels of value Vi (default: sorted unique values)', read: (c, t) => (t.maskValues = c.numbers('a mask value', true, 0)) },
};

type AugmentTarget = DeepPartial<AugmentConfig>;

const amount = (what: string, max: number) => (c: Cursor, set: (v: number) => void) => set(c.accept('off') ? 0 : c.number(what, { min: 0, max }));

export const augmentKeywords: Record<string, Keyword<AugmentTarget>> = {
  elastic: {
    syntax: 'elastic [grid N] [sigma S] | elastic off',
    doc: 'the paper\'s elastic deformation: displacements on a coarse grid (3x3), Gaussian with sigma px (10)',
    read: (c, t) => {
      if (c.accept('off')) return void (t.elastic = null);
      const e = { grid: 3, sigma: 10 };
      c.options({ grid: () => (e.grid = c.integer('the grid size', 2)), sigma: () => (e.sigma = c.number('sigma', { min: 0 })) });
      t.elastic = e;
    },
  },
  flip: { syntax: 'flip [on|off]', doc: 'random horizontal and vertical flips', read: (c, t) => (t.flip = c.onOff()) },
  rotate90: { syntax: 'rotate90 [on|off]', doc: 'random 90-degree rotations', read: (c, t) => (t.rotate90 = c.onOff()) },
  rotate: { syntax: 'rotate DEG', doc: 'random rotation up to DEG degrees', read: (c, t) => amount('the angle', 180)(c, (v) => (t.rotate = v)) },
  shift: { syntax: 'shift F', doc: 'random shift up to F of the size', read: (c, t) => amount('the shift', 0.5)(c, (v) => (t.shift = v)) },
  brightness: { syntax: 'brightness F', doc: 'random brightness change up to F', read: (c, t) => amount('the brightness change', 1)(c, (v) => (t.brightness = v)) },
  contrast: { syntax: 'contrast F', doc: 'random contrast change up to F', read: (c, t) => amount('the contrast change', 1)(c, (v) => (t.contrast = v)) },
  gamma: { syntax: 'gamma F', doc: 'random gamma change up to F', read: (c, t) => amount('the gamma change', 1)(c, (v) => (t.gamma = v)) },
};

/** Block keywords, by the place they open. */
export const sections = {
  unet: ['encoder', 'decoder', 'bottom', 'train'],
  stage: ['level'],
  train: ['augment'],
  augment: [],
} as const;
