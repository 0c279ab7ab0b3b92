// Training in the page, with the CLI's code: a spec (the bundled ellipses one or the editor's)
// compiled by the language, builtin ellipses data (src/data/ellipses.ts), the split,
// normaliser and sample preparation of `unet train` (src/app/train/session.ts does the same
// steps), and the tfjs TrainingLoop. Stop and continue resume the loop from its state, as
// `unet train --resume` does from a checkpoint.
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/backends/tfjs/build.ts';
import { modelPredictor } from '../../src/backends/tfjs/predictor.ts';
import { TrainingLoop, type EpochRecord, type LoopOptions, type StepInfo } from '../../src/backends/tfjs/train/loop.ts';
import { makePreparers } from '../../src/backends/tfjs/train/prepare.ts';
import { makeEllipses } from '../../src/data/ellipses.ts';
import { fitNormalizer, type Normalizer } from '../../src/data/normalize.ts';
import { splitDataset } from '../../src/data/split.ts';
import type { Model } from '../../src/language/ir/types.ts';
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

  /** `ir`: a compiled 2D spec with a fixed input size; `count`: images of builtin ellipses at that size. */
  constructor(readonly ir: Model, count: number, events: TrainerEvents) {
    const [height, width] = ir.input.size;
    if (ir.dims !== 2 || height === null || width === null || height !== width) {
      throw new Error(`${ir.name}: the page trains 2D networks with a square fixed input (input C x N x N) on builtin ellipses`);
    }
    if (height > MAX_SIZE) throw new Error(`${ir.name}: input ${height} x ${width} is too large to train in a page (at most ${MAX_SIZE} x ${MAX_SIZE}); train it with \`unet train\``);
    if (ir.input.channels !== 1) throw new Error(`${ir.name}: builtin ellipses are gray images, the network takes ${ir.input.channels} channels (input 1 x ...)`);
    const { train } = ir;
    const split = splitDataset(makeEllipses({ count, size: height, seed: train.seed }), train.valSplit, train.seed);
    if (split.train.length === 0 || split.val.length === 0) throw new Error(`${count} images give ${split.train.length} for training and ${split.val.length} for validation (val split ${train.valSplit}): take more`);
    this.normalizer = fitNormalizer(train.normalize, split.train.map((s) => s.image));
    const preparers = makePreparers(ir, this.normalizer);
    this.model = buildModel(ir, { seed: train.seed });
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
