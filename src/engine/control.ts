/** How a long computation is driven: cancellation, progress, and serialization with training. */
export interface JobControl {
  cancelled(): boolean;
  /** Runs one piece of device work (the app serializes it with training steps). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Work done so far, in the job's own units. */
  progress(done: number): void;
}

export const DIRECT_CONTROL: JobControl = { cancelled: () => false, exclusive: (work) => work(), progress: () => undefined };

/** Thrown by a routine whose job was cancelled before it had anything worth returning. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}
