// What a spec says, before and after resolution.
// `UnetDecl.settings` holds only what one `unet` block wrote (every field optional);
// resolve.ts merges the `extends` chain and fills defaults into a complete ResolvedSpec.
import type { ActivationFn, Init, NormKind, Padding, Span, TrainConfig } from '../ir/types.ts';

export interface NormSetting {
  kind: NormKind;
  groups: number;
  epsilon: number;
  momentum: number;
}

export interface ActivationSetting {
  fn: ActivationFn;
  alpha: number;
}

/** The conv block of a stage; every field optional where it is an override. */
export interface StageSettings {
  convs: number;
  kernel: number[];
  dilation: number;
  bias: boolean;
  norm: NormSetting | null;
  activation: ActivationSetting;
  dropout: number;
  /** Squeeze-excitation reduction ratio, or null for none. */
  se: number | null;
  residual: boolean;
  /** Output channels of each conv of the stage (a one-entry list applies to all). */
  filters: number[];
}

export interface DownSetting {
  kind: 'maxpool' | 'avgpool' | 'conv';
  kernel: number[];
  stride: number;
}

export interface UpSetting {
  kind: 'transposed' | 'bilinear' | 'nearest' | 'pixel_shuffle';
  kernel: number[];
  alignCorners: boolean;
  /** The up-convolution keeps its input channels (3D U-Net) instead of taking the level's. */
  keepChannels: boolean;
  /** The conv after a bilinear/nearest upsampling that sets the channels (Keras: 2x2 + relu). */
  conv: { kernel: number[]; activation: ActivationSetting | null } | null;
}

export interface SkipSetting {
  kind: 'concat' | 'add' | 'none';
  attention: boolean;
}

export interface HeadConv {
  kernel: number[];
  filters: number;
  activation: ActivationSetting | null;
}

export interface SectionSettings {
  stage: Partial<StageSettings>;
  levels: Record<number, Partial<StageSettings>>;
}

export interface Settings {
  input: { channels: number; size: (number | null)[] | null };
  dims: 2 | 3;
  output: { classes: number; activation: 'softmax' | 'sigmoid' | 'none' | null };
  labels: string[];
  head: HeadConv[];
  depth: number;
  filters: { base: number } | { list: number[] };
  padding: Padding;
  down: DownSetting;
  up: UpSetting;
  skip: SkipSetting;
  init: Init;
  block: Partial<StageSettings>;
  encoder: SectionSettings;
  decoder: SectionSettings;
  bottom: Partial<StageSettings>;
  train: DeepPartial<TrainConfig>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]> | null) : T[K] };

export interface UnetDecl {
  name: string;
  nameSpan: Span;
  span: Span;
  file: string;
  /** `extends Base` and optionally `from "file.unet"`. */
  base: { name: string; from: string | null; span: Span } | null;
  settings: Partial<Settings> & { encoder: SectionSettings; decoder: SectionSettings; block: Partial<StageSettings>; bottom: Partial<StageSettings>; train: DeepPartial<TrainConfig> };
  /** Where each setting was written, by dotted path ("depth", "decoder.level.4.filters"). */
  spans: Record<string, Span>;
}

export interface ResolvedStage extends StageSettings {
  level: number;
  path: 'encoder' | 'bottom' | 'decoder';
  span: Span;
}

export interface ResolvedSpec {
  name: string;
  file: string;
  text: string;
  span: Span;
  dims: 2 | 3;
  input: { channels: number; size: (number | null)[] | null };
  classes: number;
  activation: 'softmax' | 'sigmoid' | 'none';
  labels: string[];
  head: HeadConv[];
  depth: number;
  levelFilters: number[];
  padding: Padding;
  down: DownSetting;
  up: UpSetting;
  skip: SkipSetting;
  init: Init;
  /** Encoder stages for levels 1..depth, then the bottom, then decoder stages depth..1. */
  encoder: ResolvedStage[];
  bottom: ResolvedStage;
  decoder: ResolvedStage[];
  train: TrainConfig;
  spans: Record<string, Span>;
}
