// Learning-rate schedules, one value per epoch, or, when training for a wall-time budget
// (`time 20m`), a value of the elapsed fraction of the budget. Plateau keeps state (best Dice, epochs
// without improvement, current rate) that checkpoints save so a resumed run continues it.
import type { TrainConfig } from '../../../language/ir/types.ts';

/** The state a checkpoint stores: enough to continue the schedule exactly. */
export interface ScheduleState {
  lr: number;
  best: number;
  badEpochs: number;
}

/** A schedule: the rate of an epoch, told the validation Dice after each epoch. */
export class Schedule {
  // best starts below any Dice (Dice is in [0, 1]) and stays JSON-safe, unlike -Infinity.
  private state: ScheduleState;

  constructor(
    private readonly config: TrainConfig['schedule'],
    private readonly baseLr: number,
    private readonly epochs: number,
  ) {
    this.state = { lr: baseLr, best: -1, badEpochs: 0 };
  }

  /** Learning rate of epoch e (0-based). */
  lr(epoch: number): number {
    return this.lrAt(epoch / this.epochs);
  }

  /** Learning rate after a fraction t of training (epochs done / epochs, or time spent / budget). */
  lrAt(fraction: number): number {
    const { kind, power, minLr } = this.config;
    const t = Math.min(Math.max(fraction, 0), 1);
    switch (kind) {
      case 'constant':
        return this.baseLr;
      case 'plateau':
        return this.state.lr;
      // Loshchilov & Hutter 2017 (SGDR) without restarts.
      case 'cosine':
        return minLr + ((this.baseLr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
      // DeepLab's "poly" policy: (1 - t)^power.
      case 'poly':
        return minLr + (this.baseLr - minLr) * (1 - t) ** power;
    }
  }

  /**
   * torch.optim.lr_scheduler.ReduceLROnPlateau(mode='max'): after more than `patience`
   * epochs without a better validation Dice, the rate is multiplied by `factor` (not below minLr).
   */
  endEpoch(valDice: number): void {
    if (this.config.kind !== 'plateau') return;
    if (valDice > this.state.best) {
      this.state.best = valDice;
      this.state.badEpochs = 0;
      return;
    }
    this.state.badEpochs += 1;
    if (this.state.badEpochs > this.config.patience) {
      this.state.lr = Math.max(this.state.lr * this.config.factor, this.config.minLr);
      this.state.badEpochs = 0;
    }
  }

  getState(): ScheduleState {
    return { ...this.state };
  }

  setState(state: ScheduleState): void {
    this.state = { ...state };
  }
}
