// Training in the page, with the CLI's code: a spec (the bundled ellipses one or the editor's)
// compiled by the language, samples from train-data.ts (builtin ellipses, dropped image/mask
// pairs, the EM sample), the input size, split, normaliser and sample preparation of
// `unet train` (src/app/train/session.ts does the same steps), and the tfjs TrainingLoop.
// Stop and continue resume the loop from its state, as `unet train --resume` does from a checkpoint.
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/backends/tfjs/build.ts';
import { modelPredictor } from '../../src/backends/tfjs/predictor.ts';
import { TrainingLoop, type EpochRecord, type LoopOptions, type StepInfo } from '../../src/backends/tfjs/train/loop.ts';
import { makePreparers } from '../../src/backends/tfjs/train/prepare.ts';
import { trainingInputSize } from '../../src/data/input-size.ts';
import { fitNormalizer, type Normalizer } from '../../src/data/normalize.ts';
import { splitDataset } from '../../src/data/split.ts';
import type { Sample } from '../../src/data/types.ts';
import type { Model } from '../../src/language/ir/types.ts';
import { withInputSize } from '../../src/language/shapes/infer.ts';
import type { OpenedModel } from './open-run.ts';

/** The largest input the page trains: a browser tab, often on the CPU, is no place for a 572 px U-Net. */
const MAX_SIZE = 128;

export interface TrainerEvents {
  onStep(info: StepInfo): void;
  onEpoch(record: EpochRecord): void;
}

export class PageTrainer {
  private loop: TrainingLoop;
  private readonly options: LoopOptions;
  readonly normalizer: Normalizer;
  readonly model: tf.LayersModel;

  /** The network at the size it trains at (the crop, or the images' size, as `unet train` picks). */
  readonly ir: Model;

  /** `spec`: a compiled 2D spec; `data`: its training samples and what they are (for messages). */
  constructor(spec: Model, data: { samples: Sample[]; name: string }, events: TrainerEvents) {
    if (spec.dims !== 2) throw new Error(`${spec.name}: the page trains 2D networks (input C x H x W); train it with \`unet train\``);
    const { train } = spec;
    const { samples, name } = data;
    const channels = samples[0]!.image.channels;
    if (channels !== spec.input.channels) throw new Error(`${name}: images have ${channels} channel(s), ${spec.name} takes ${spec.input.channels} (input ${spec.input.channels} x ...)`);
    const size = trainingInputSize(train, samples);
    if (size.some((s) => s > MAX_SIZE)) {
      throw new Error(`${spec.name}: input ${size.join(' x ')} is too large to train in a page (at most ${MAX_SIZE} x ${MAX_SIZE}: set a smaller \`crop\` in the spec's train section); train it with \`unet train\``);
    }
    const split = splitDataset(samples, train.valSplit, train.seed);
    if (split.train.length === 0 || split.val.length === 0) throw new Error(`${name}: ${samples.length} images give ${split.train.length} for training and ${split.val.length} for validation (val split ${train.valSplit}): take more`);
    this.ir = withInputSize(spec, size);
    const ir = this.ir;
    this.normalizer = fitNormalizer(train.normalize, split.train.map((s) => s.image));
    const preparers = makePreparers(ir, this.normalizer);
    this.model = buildModel(spec, { inputSize: size, seed: train.seed });
    this.options = {
      model: this.model,
      config: train,
      classes: Math.max(ir.classes, 2),
      train: split.train,
      val: split.val.map(preparers.val),
      prepare: preparers.train,
      onStep: events.onStep,
      onEpoch: async (record) => events.onEpoch(record),
    };
    this.loop = new TrainingLoop(this.options);
  }

  /** Trains until the spec's epochs are done ('done') or stop() is called ('stopped'). */
  async run(): Promise<'done' | 'stopped'> {
    return (await this.loop.run()).stopped ? 'stopped' : 'done';
  }

  /** Stops after the current step; run() then resolves with 'stopped'. */
  stop(): void {
    this.loop.stop();
  }

  /** A new loop from where the stopped one is (optimizer and schedule state, position): call run() again. */
  async resume(): Promise<void> {
    this.loop = new TrainingLoop(this.options, await this.loop.readState());
  }

  /** The trained network, ready to segment as an opened run is. */
  opened(): OpenedModel {
    return { ir: this.ir, normalizer: this.normalizer, window: this.ir.input.size as number[], predictor: modelPredictor(this.model, this.ir), description: `${this.ir.name} (trained here)` };
  }
}
