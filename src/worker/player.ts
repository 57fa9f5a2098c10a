/**
 * The play/pause loop: windows sized to take about a quarter of a second (so pause and the charts
 * respond), an optional speed cap, and a yield to the event loop between windows.
 */
import { errorMessage } from '../engine/errors';
import { sleep, yieldToEventLoop } from './mutex';

const TARGET_WINDOW_SECONDS = 0.25;
const MAX_WINDOW = 50;

export interface PlayTarget {
  /** null to go on; otherwise why training cannot ('' when it simply finished). */
  stopReason(): string | null;
  /** The loop ended for a reason worth telling (e.g. every lane diverged). */
  onStop(message: string): void;
  /** Trains up to `wanted` steps; returns how many it did. */
  trainWindow(wanted: number): Promise<number>;
  /** After each window and when the loop ends. */
  onStatus(): void;
  /** The loop stopped on an error (already turned into words). */
  onError(message: string): Promise<void>;
}

export class Player {
  playing = false;
  /** Steps of the whole comparison per second over the last window. */
  lastRate = 0;
  private maxStepsPerSecond: number | null = null;
  private windowSize = 1;
  private running: Promise<void> | null = null;

  constructor(private readonly target: PlayTarget) {}

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.target.onStatus();
    this.running = this.loop();
  }

  /** Stops after the window in flight; resolves when it is done. */
  async pause(): Promise<void> {
    this.playing = false;
    await this.running;
  }

  setSpeed(maxStepsPerSecond: number | null): void {
    this.maxStepsPerSecond = maxStepsPerSecond !== null && maxStepsPerSecond > 0 ? maxStepsPerSecond : null;
  }

  private async loop(): Promise<void> {
    try {
      while (this.playing) {
        const stop = this.target.stopReason();
        if (stop !== null) {
          this.playing = false;
          if (stop) this.target.onStop(stop);
          break;
        }
        const cap = this.maxStepsPerSecond;
        const wanted = cap ? Math.max(1, Math.round(cap * TARGET_WINDOW_SECONDS)) : this.windowSize;
        const started = performance.now();
        const done = await this.target.trainWindow(wanted);
        const seconds = (performance.now() - started) / 1000;
        if (done > 0) {
          this.lastRate = done / Math.max(seconds, 1e-6);
          this.windowSize = Math.max(1, Math.min(MAX_WINDOW, Math.round(this.lastRate * TARGET_WINDOW_SECONDS)));
        }
        this.target.onStatus();
        if (cap) {
          const wait = done / cap - seconds;
          if (wait > 0) await sleep(wait * 1000);
        }
        await yieldToEventLoop();
      }
    } catch (error) {
      this.playing = false;
      await this.target.onError(`training stopped: ${errorMessage(error)}`);
    } finally {
      this.target.onStatus();
    }
  }
}
