/**
 * One long analysis at a time per kind (landscape, Hessian): an id, cancellation, progress with
 * timing, and each piece of device work serialized with training through the host's mutex.
 */
import type { JobControl } from '../engine/control';
import type { JobOutcome, JobProgress } from './api';
import type { Mutex } from './mutex';

/** What a running job's body gets: its id, its control (cancel, exclusive, progress) and its total. */
export interface RunningJob {
  id: number;
  control: JobControl;
  /** Announces the amount of work (progress starts at 0 of it). */
  setTotal(total: number): void;
}

export class JobRunner {
  private current: { id: number; cancelled: boolean } | null = null;
  private count = 0;

  constructor(
    private readonly mutex: Mutex,
    private readonly onProgress: (progress: JobProgress) => void,
    /** Why a second job is refused while one runs. */
    private readonly busyMessage: string,
  ) {}

  async run(body: (job: RunningJob) => Promise<void>): Promise<JobOutcome> {
    if (this.current) throw new Error(this.busyMessage);
    const job = { id: ++this.count, cancelled: false };
    this.current = job;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let total = 0;
    const control: JobControl = {
      cancelled: () => job.cancelled,
      exclusive: (work) => this.mutex.run(work),
      progress: (done) => this.onProgress({ jobId: job.id, done, total, seconds: seconds() }),
    };
    try {
      await body({
        id: job.id,
        control,
        setTotal: (t) => {
          total = t;
          control.progress(0);
        },
      });
      return { jobId: job.id, cancelled: job.cancelled, seconds: seconds() };
    } finally {
      this.current = null;
    }
  }

  cancel(): void {
    if (this.current) this.current.cancelled = true;
  }
}
