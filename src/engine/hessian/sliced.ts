import { CancelledError, type JobControl } from '../control';

/**
 * An async job run one piece of device work at a time: `advance()` lets it go to its next
 * `control.exclusive` (or its end), so a scheduler can spread it between training windows. The first
 * `advance()` runs its set-up, each later one exactly one piece. Nothing runs between calls.
 */
export class SlicedJob<T> {
  private release: (() => void) | null = null;
  private signal: (() => void) | null = null;
  private started = false;
  private done = false;
  private stopped = false;
  private outcome: Promise<T> | null = null;
  private readonly control: JobControl = {
    cancelled: () => this.stopped,
    progress: () => undefined,
    exclusive: async (work) => {
      await new Promise<void>((resolve) => {
        this.release = resolve;
        this.notify();
      });
      if (this.stopped) throw new CancelledError();
      return work();
    },
  };

  constructor(private readonly run: (control: JobControl) => Promise<T>) {}

  get finished(): boolean {
    return this.done;
  }

  /** Runs the job to its next piece of work or its end; true once it has ended. */
  async advance(): Promise<boolean> {
    if (this.done) return true;
    const parked = new Promise<void>((resolve) => (this.signal = resolve));
    if (!this.started) {
      this.started = true;
      this.outcome = this.run(this.control).finally(() => {
        this.done = true;
        this.notify();
      });
      this.outcome.catch(() => undefined);
    } else {
      const release = this.release;
      this.release = null;
      release?.();
    }
    await parked;
    return this.done;
  }

  /** The job's value once it has ended (rejects with its error, or CancelledError). */
  result(): Promise<T> {
    if (!this.outcome) return Promise.reject(new CancelledError());
    return this.outcome;
  }

  /** Lets a parked job run on to its end with `cancelled()` true and every further piece refused. */
  async cancel(): Promise<void> {
    this.stopped = true;
    while (this.started && !this.done) await this.advance();
    this.done = true;
  }

  private notify(): void {
    const signal = this.signal;
    this.signal = null;
    signal?.();
  }
}
