/**
 * Every lane's weights every N steps, kept in memory for the trajectory plane (docs/ALGORITHMS.md,
 * "Trajectory plane"). Bounded: when the snapshots would pass the budget, the older half of each
 * lane's are thinned to every second one (the first and the newest always stay), so a long run
 * keeps its whole path at a coarser spacing instead of forgetting its start.
 */

export interface TrajectoryOptions {
  /** Steps between snapshots. */
  every: number;
  /** Most bytes all lanes' snapshots may take together. */
  budgetBytes: number;
}

export const DEFAULT_TRAJECTORY: TrajectoryOptions = { every: 20, budgetBytes: 64 * 2 ** 20 };

export interface WeightSnapshot {
  step: number;
  weights: Float32Array;
}

export interface TrajectoryState {
  every: number;
  budgetBytes: number;
  bytes: number;
  /** Snapshots per lane now. */
  counts: Record<string, number>;
  /** Steps between kept snapshots at the oldest end (grows when thinned). */
  thinned: boolean;
}

export class TrajectoryRecorder {
  private readonly lanes = new Map<string, WeightSnapshot[]>();
  private thinned = false;
  /** Bytes of every snapshot held, kept as they come and go. */
  private held = 0;

  constructor(public options: TrajectoryOptions = DEFAULT_TRAJECTORY) {}

  due(step: number): boolean {
    return step % this.options.every === 0;
  }

  record(laneId: string, step: number, weights: Float32Array): void {
    const list = this.lanes.get(laneId) ?? [];
    // A step already recorded (or one the comparison went back from): keep the newest.
    while (list.length > 0 && list[list.length - 1].step >= step) this.held -= list.pop()!.weights.byteLength;
    list.push({ step, weights });
    this.held += weights.byteLength;
    this.lanes.set(laneId, list);
    this.enforceBudget();
  }

  /** Each lane's snapshots, oldest first. */
  snapshots(laneId: string): readonly WeightSnapshot[] {
    return this.lanes.get(laneId) ?? [];
  }

  forget(laneId: string): void {
    this.keep(laneId, []);
    this.lanes.delete(laneId);
  }

  clear(): void {
    this.lanes.clear();
    this.thinned = false;
    this.held = 0;
  }

  /** Drops snapshots after `step` (the comparison went back to it). */
  dropAfter(step: number): void {
    for (const [id, list] of this.lanes)
      this.keep(
        id,
        list.filter((s) => s.step <= step),
      );
  }

  get bytes(): number {
    return this.held;
  }

  /** Replaces a lane's snapshots with `kept` (a subset of them), keeping the byte count. */
  private keep(laneId: string, kept: WeightSnapshot[]): void {
    const size = (list: readonly WeightSnapshot[]) => list.reduce((acc, s) => acc + s.weights.byteLength, 0);
    this.held += size(kept) - size(this.lanes.get(laneId) ?? []);
    this.lanes.set(laneId, kept);
  }

  state(): TrajectoryState {
    return {
      every: this.options.every,
      budgetBytes: this.options.budgetBytes,
      bytes: this.bytes,
      counts: Object.fromEntries([...this.lanes].map(([id, list]) => [id, list.length])),
      thinned: this.thinned,
    };
  }

  private enforceBudget(): void {
    while (this.bytes > this.options.budgetBytes) {
      let removed = false;
      for (const [id, list] of this.lanes) {
        if (list.length < 4) continue;
        const half = Math.floor((list.length - 1) / 2);
        // Keep index 0 and every second one of the older half; the newer half stays as it is.
        const kept = list.filter((_, i) => i === 0 || i > half || i % 2 === 0);
        if (kept.length < list.length) removed = true;
        this.keep(id, kept);
      }
      this.thinned ||= removed;
      if (!removed) break;
    }
  }
}
