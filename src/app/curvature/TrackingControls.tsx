import type { HessianTracking } from '../../engine/hessian/config';
import { applyTracking, useHessian } from '../hessian/store';
import { CheckboxField, NumberField } from '../shared/ui/controls';

/** Live tracking on or off and its settings (each change applies at the next tracking step). */
export function TrackingControls() {
  const on = useHessian((s) => s.trackingOn);
  const t = useHessian((s) => s.tracking);
  const set = (patch: Partial<HessianTracking>) => void applyTracking(on, { ...t, ...patch });
  return (
    <div className="row tracking">
      <CheckboxField
        label="track during training"
        help={
          'Every N steps, measure λmax and Tr(H) of every lane on a fixed subset and chart them. The ' +
          'measurement runs in slices between training windows within the time share, so training never waits for it.'
        }
        checked={on}
        onChange={(v) => void applyTracking(v)}
      />
      <NumberField
        label="every N steps"
        help="How often to take the lanes' weights for a measurement"
        value={t.every}
        min={1}
        max={100_000}
        integer
        onCommit={(v) => set({ every: v })}
      />
      <NumberField
        label="tracking samples"
        help="The first N training samples: the Hessian tracked is of the mean loss on them (the same subset every time)"
        value={t.samples}
        min={1}
        max={100_000}
        integer
        onCommit={(v) => set({ samples: v })}
      />
      <NumberField
        label="max Lanczos steps"
        help="Most Lanczos steps per λmax (warm-started from the lane's previous top eigenvectors, it usually stops after a few)"
        value={t.iterations}
        min={2}
        max={200}
        integer
        onCommit={(v) => set({ iterations: v })}
      />
      <NumberField
        label="Lanczos tolerance"
        help="Stop when the residual ‖Hy − θy‖ is within this fraction of λmax (the whisker on the chart)"
        value={t.tol}
        min={1e-6}
        max={0.5}
        onCommit={(v) => set({ tol: v })}
      />
      <NumberField
        label="Hutchinson samples"
        help="Rademacher samples for the part of the trace outside the Lanczos directions (the whiskers: ± one standard error)"
        value={t.traceSamples}
        min={2}
        max={1000}
        integer
        onCommit={(v) => set({ traceSamples: v })}
      />
      <NumberField
        label="time share %"
        help={
          'Most of the wall time tracking may take while training plays; when it cannot keep up, a round ' +
          'that comes due while the previous one is still being measured is skipped'
        }
        value={Math.round(t.budget * 100)}
        min={1}
        max={90}
        integer
        onCommit={(v) => set({ budget: v / 100 })}
      />
      <CheckboxField
        label="live 1D slice"
        help={
          'At every tracking step also compute each lane’s loss along a random filter-normalized direction ' +
          '(21 points, the same samples): the curve beside λmax and Tr(H)'
        }
        checked={t.slice}
        onChange={(v) => set({ slice: v })}
      />
    </div>
  );
}
