/** What training reports: plain numbers read back from the device, the same in the worker and in the UI. */

/** What one training step of one lane measured (read back in batches, never per step). */
export interface StepRecord {
  /** Number of updates done after this step (1 for the first step). */
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
  /** Method metrics of this step (κ, ‖e‖, perturbation gap, δ′(ℓ), guard clamps). */
  metrics: Record<string, number>;
}

export interface SosEvent {
  step: number;
  changed: boolean;
  reason?: string;
  rank: number;
  headNormBefore: number;
  headNormAfter: number;
}

export interface CollectedWindow {
  /** The window's steps up to (not including) a divergence: every loss here is finite. */
  records: StepRecord[];
  headNorm: number;
  sosEvents: SosEvent[];
  /** Set in the window where the lane diverged. */
  diverged?: Divergence;
}

/** Why and where a lane stopped: its loss or weights stopped being finite numbers. */
export interface Divergence {
  /** The first step whose loss (or, failing that, the window's final weights) was not finite. */
  step: number;
  /** 'loss' when a step's loss was NaN/±Inf; 'weights' when the losses were finite but the weights were not. */
  what: 'loss' | 'weights';
  /** The last finite training loss and its step (null if none was ever finite). */
  lastFiniteLoss: number | null;
  lastFiniteStep: number | null;
  /** The most likely cause, in words a student can act on. */
  cause: string;
  /** One sentence for the user: what happened, the likely cause, what to do. */
  message: string;
}

/** What one lane measured over one window of steps. */
export interface LaneWindow {
  laneId: string;
  records: StepRecord[];
  headNorm: number;
  sosEvents: SosEvent[];
  /** Wall-clock seconds this lane's steps of the window took, readback included. */
  seconds: number;
  gradEvals: number;
  totalSeconds: number;
  /** Set in the window where the lane diverged (it trains no more). */
  diverged?: Divergence;
}
