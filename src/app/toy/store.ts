import { create } from 'zustand';
import { describeZodError } from '../../engine/validation';
import type { Deformation } from '../../engine/optim/deformation';
import { ExpressionError, expressionSurface } from '../../engine/toy/expression';
import { runToy, toyRunSchema, type ToyResult, type ToyRunConfig } from '../../engine/toy/optimizers';
import { TOY_PRESETS } from '../../engine/toy/presets';
import { DEFAULT_TOY_FORMULA, MAX_TOY_RUNS } from '../../engine/io/experiment';
import { SURFACES, type Surface, type Vec2 } from '../../engine/toy/surfaces';
import { freshLaneColor } from '../../engine/train/config';
import { notify } from '../shell/messages';
import { errorMessage } from '../../engine/errors';

export interface ToyRunEntry {
  id: string;
  label: string;
  color: string;
  config: ToyRunConfig;
}

export interface ToyState {
  surfaceId: string;
  /** The user's formula (surface "custom"). */
  formula: string;
  formulaError: string | null;
  start: Vec2;
  steps: number;
  runs: ToyRunEntry[];
  results: Record<string, ToyResult>;
  /** Animation: each trajectory is shown up to this step. */
  upTo: number;
  playing: boolean;
  /** Animation speed in steps per second. */
  speed: number;
  /** Show δ(ℓ(p)) of this run's deformation instead of ℓ(p) (null: the plain surface). */
  deformedBy: string | null;
  log: boolean;
}

const fig1 = TOY_PRESETS[0];

export const useToy = create<ToyState>(() => ({
  surfaceId: fig1.surface,
  formula: DEFAULT_TOY_FORMULA,
  formulaError: null,
  start: fig1.start,
  steps: fig1.steps,
  runs: fig1.runs.map((r, i) => ({ id: `run${i + 1}`, label: r.label, color: r.color, config: r.config })),
  results: {},
  upTo: 0,
  playing: false,
  speed: 60,
  deformedBy: null,
  log: false,
}));

const set = useToy.setState;
const get = useToy.getState;

let customCache: { text: string; surface: Surface } | null = null;

/** The surface in use (a built-in one, or the user's formula once it parses). */
export function currentSurface(): Surface {
  const { surfaceId, formula } = get();
  if (surfaceId !== 'custom') return SURFACES[surfaceId];
  if (customCache?.text !== formula) customCache = { text: formula, surface: expressionSurface(formula) };
  return customCache.surface;
}

/** Recomputes every trajectory from the start (plain numbers: milliseconds). */
export function recompute(keepPosition = false): void {
  let surface: Surface;
  try {
    surface = currentSurface();
  } catch (error) {
    set({ formulaError: errorMessage(error), results: {} });
    return;
  }
  const { runs, start, steps } = get();
  const results = Object.fromEntries(runs.map((r) => [r.id, runToy(surface, r.config, start, steps)]));
  set((s) => ({ results, upTo: keepPosition ? Math.min(s.upTo, steps) : 0, formulaError: null }));
}

export function chooseSurface(id: string): void {
  if (id === 'custom') {
    try {
      const surface = expressionSurface(get().formula);
      set({ surfaceId: id, start: surface.start, playing: false });
    } catch (error) {
      set({ surfaceId: id, formulaError: errorMessage(error), playing: false });
      return;
    }
  } else {
    set({ surfaceId: id, start: SURFACES[id].start, playing: false });
  }
  recompute();
}

/** Applies a formula if it parses; otherwise says what is wrong and where, keeping the last good one. */
export function setFormula(text: string): string | null {
  try {
    const surface = expressionSurface(text);
    set({ formula: text, formulaError: null, surfaceId: 'custom', start: surface.start, playing: false });
    customCache = { text, surface };
    recompute();
    return null;
  } catch (error) {
    const message = error instanceof ExpressionError ? error.message : String(error);
    set({ formulaError: message });
    return message;
  }
}

export function setStart(p: Vec2): void {
  set({ start: p, playing: false });
  recompute();
}

export function setSteps(steps: number): void {
  set({ steps, playing: false });
  recompute(true);
}

export function applyToyPreset(id: string): void {
  const preset = TOY_PRESETS.find((p) => p.id === id);
  if (!preset) return;
  set({
    surfaceId: preset.surface,
    start: preset.start,
    steps: preset.steps,
    playing: false,
    deformedBy: null,
    runs: preset.runs.map((r, i) => ({ id: `run${i + 1}`, label: r.label, color: r.color, config: r.config })),
  });
  recompute();
  notify('info', `${preset.label}: ${preset.description}`);
}

/** Changes one run's settings if they are valid; otherwise says which setting is wrong. */
export function updateRun(
  id: string,
  patch: Partial<ToyRunConfig> & { deformation?: Deformation },
  meta?: Partial<Pick<ToyRunEntry, 'label'>>,
): void {
  const run = get().runs.find((r) => r.id === id);
  if (!run) return;
  const parsed = toyRunSchema.safeParse({ ...run.config, ...patch });
  if (!parsed.success) {
    notify('error', `${run.label}: ${describeZodError(parsed.error)}`);
    return;
  }
  set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...meta, config: parsed.data } : r)) }));
  recompute();
}

export function addRun(): void {
  const { runs } = get();
  if (runs.length >= MAX_TOY_RUNS) {
    notify('error', `the lab runs at most ${MAX_TOY_RUNS} optimizers at once`);
    return;
  }
  let n = 1;
  while (runs.some((r) => r.id === `run${n}`)) n++;
  const color = freshLaneColor(runs);
  set({ runs: [...runs, { id: `run${n}`, label: `GD ${n}`, color, config: toyRunSchema.parse({ optimizer: 'gd', lr: 0.02 }) }] });
  recompute();
}

export function removeRun(id: string): void {
  const { runs } = get();
  if (runs.length <= 1) {
    notify('error', 'keep at least one run');
    return;
  }
  set({ runs: runs.filter((r) => r.id !== id), deformedBy: get().deformedBy === id ? null : get().deformedBy });
  recompute(true);
}

/** The length of the longest trajectory (the animation ends there). */
export function lastStep(): number {
  return Math.max(0, ...Object.values(get().results).map((r) => r.path.length - 1));
}

let timer: ReturnType<typeof setInterval> | null = null;

export function toyPlay(): void {
  if (timer) return;
  if (get().upTo >= lastStep()) set({ upTo: 0 });
  set({ playing: true });
  let last = performance.now();
  let carry = 0;
  timer = setInterval(() => {
    const now = performance.now();
    carry += ((now - last) / 1000) * get().speed;
    last = now;
    const advance = Math.floor(carry);
    if (advance === 0) return;
    carry -= advance;
    const next = Math.min(lastStep(), get().upTo + advance);
    set({ upTo: next });
    if (next >= lastStep()) toyPause();
  }, 33);
}

export function toyPause(): void {
  if (timer) clearInterval(timer);
  timer = null;
  set({ playing: false });
}

export function toyStep(): void {
  toyPause();
  set({ upTo: Math.min(lastStep(), get().upTo + 1) });
}

export function toyReset(): void {
  toyPause();
  set({ upTo: 0 });
}

export const toyTogglePlay = () => (get().playing ? toyPause() : toyPlay());
