/**
 * What runs beside training in the app: a deferred test evaluation, one piece (a chunk of one lane)
 * after each training window, and curvature tracking after each window for its share of the wall
 * time; while training is paused or finished, both until nothing is pending, in short slices that
 * each take their own turn of the mutex (so play, settings and analyses get in between).
 */
import type { Trainer, TrackOutcome } from '../engine/train/trainer';
import type { RunStatus } from './api';
import { errorMessage } from '../engine/errors';
import { yieldToEventLoop, type Mutex } from './mutex';

/** Most time for test pieces after one window (about a window's length). */
const MOST_TEST_MS = 250;
/** Test pieces short enough to leave room for a tracking slice after the same window. */
const SHORT_TEST_MS = 150;
/** A slice of tracking while paused: short, so a click on play waits at most about this long. */
const IDLE_SLICE_MS = 100;
/** Most credit carried over, so a long window (or a test evaluation) buys no long pause after it. */
const MOST_CREDIT_MS = 150;

/**
 * A share f of wall time: each training window of t ms earns t·f/(1 − f) ms, the work done is
 * charged against it, and an overrun (a slice is at least one HVP) is paid back by later windows.
 */
export class TimeShare {
  private credit = 0;

  allow(ms: number, fraction: number): number {
    if (fraction <= 0) return 0;
    this.credit = Math.min(MOST_CREDIT_MS, this.credit + (ms * fraction) / (1 - fraction));
    return Math.max(0, this.credit);
  }

  spent(ms: number): void {
    this.credit -= ms;
  }
}

export interface TrackingHost {
  mutex: Mutex;
  trainer(): Trainer | null;
  playing(): boolean;
  emitTracked(outcome: TrackOutcome): void;
  emitError(message: string): void;
  /** Nothing is pending any more while training stands still: the status says so. */
  emitIdle(): void;
}

export class TrackingScheduler {
  private readonly share = new TimeShare();
  private idle = false;

  constructor(private readonly host: TrackingHost) {}

  /**
   * After a training window of `ms` (inside the mutex): pending test pieces for up to as long as the
   * window took (at least one), then tracking for its share of the time, unless the test pieces took
   * more than a short while: test pieces and a tracking slice after the same window made the longest
   * stalls on the default CNN (2.4 s). An MLP's test of 10,000 images is over in a window or two.
   */
  async afterWindow(trainer: Trainer, ms: number): Promise<void> {
    const allowed = this.share.allow(ms, trainer.tracking?.budget ?? 0);
    if (trainer.testPending) {
      const started = performance.now();
      const points = [];
      do points.push(...(await trainer.testPiece()));
      while (trainer.testPending && performance.now() - started < Math.min(ms, MOST_TEST_MS));
      this.host.emitTracked({ points, slices: [] });
      if (performance.now() - started > SHORT_TEST_MS) return;
    }
    if (trainer.trackingPending === 0 || allowed <= 0) return;
    const started = performance.now();
    this.host.emitTracked(await trainer.track(allowed));
    this.share.spent(performance.now() - started);
  }

  /** Training stopped: finish what is pending in slices, unless play comes back first. */
  async whileIdle(): Promise<void> {
    if (this.idle) return;
    this.idle = true;
    const pending = () => {
      const trainer = this.host.trainer();
      return !this.host.playing() && trainer !== null && backgroundPending(trainer);
    };
    try {
      while (pending()) {
        await this.host.mutex.run(async () => {
          const trainer = this.host.trainer();
          if (!pending() || !trainer) return;
          if (trainer.testPending) this.host.emitTracked({ points: await trainer.testPiece(), slices: [] });
          else this.host.emitTracked(await trainer.track(IDLE_SLICE_MS));
        });
        await yieldToEventLoop();
      }
      if (!this.host.playing()) this.host.emitIdle();
    } catch (error) {
      this.host.emitError(`curvature tracking stopped: ${errorMessage(error)}`);
    } finally {
      this.idle = false;
    }
  }
}

/** A test evaluation or a curvature measurement is waiting. */
export function backgroundPending(trainer: Trainer): boolean {
  return trainer.testPending || trainer.trackingPending > 0;
}

/** Where training stands, for the status event. */
export function runStatus(trainer: Trainer | null, player: { playing: boolean; lastRate: number }): RunStatus {
  const c = trainer?.comparison;
  return {
    playing: player.playing,
    step: c?.step ?? 0,
    epoch: c?.epoch ?? 0,
    totalSteps: c?.totalSteps ?? 0,
    finished: trainer?.finished ?? false,
    checkpointStep: trainer?.checkpoint?.step ?? null,
    stepsPerSecond: player.lastRate,
    measuring: trainer !== null && backgroundPending(trainer),
  };
}
