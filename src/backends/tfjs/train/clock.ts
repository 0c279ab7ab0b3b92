// The wall clock of a training run: how long it has trained (across resumes: the checkpoint
// carries what was spent before), whether its time budget (`time 20m`, `--time 20m`) is spent,
// and where the time went, for the summary `unet train` prints at the end.

/** Seconds spent per activity since this process began training. */
export interface TimeSpent {
  /**
   * Cropping, augmentation, weight maps and batching of the training samples; when they are
   * prepared ahead (LoopOptions.source), the time the steps waited for them.
   */
  prepare: number;
  /** Forward, backward and optimizer steps (data-parallel: including the workers' exchange). */
  step: number;
  validation: number;
  /** The end of an epoch after validation: checkpoint, history, chart, progress (onEpoch). */
  checkpoint: number;
}

export class TrainClock {
  private readonly start = performance.now();
  readonly spent: TimeSpent = { prepare: 0, step: 0, validation: 0, checkpoint: 0 };

  /** `budget`: seconds of wall time to train, or null for none; `before`: seconds spent by earlier runs of the same training. */
  constructor(
    readonly budget: number | null,
    private readonly before = 0,
  ) {}

  /** Wall seconds of this training so far, earlier runs included. */
  elapsed(): number {
    return this.before + (performance.now() - this.start) / 1000;
  }

  /** The elapsed fraction of the budget (0 without one), which budgeted schedules follow. */
  fraction(): number {
    return this.budget === null ? 0 : this.elapsed() / this.budget;
  }

  /** The share of this process's training time spent validating and checkpointing. */
  epochEndShare(): number {
    const seconds = (performance.now() - this.start) / 1000;
    return seconds > 0 ? (this.spent.validation + this.spent.checkpoint) / seconds : 0;
  }

  budgetSpent(): boolean {
    return this.budget !== null && this.elapsed() >= this.budget;
  }

  /** Runs `work` and counts its time as `activity`. */
  async measure<T>(activity: keyof TimeSpent, work: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.spent[activity] += (performance.now() - started) / 1000;
    }
  }
}
