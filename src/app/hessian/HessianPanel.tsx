import { useMemo, useState } from 'react';
import type { HessianResult, HessianSettings } from '../../engine/hessian/config';
import type { LaneConfig } from '../../engine/train/config';
import { cancelHessian, computeHessian, updateHessianSettings, useHessian } from './store';
import { useApp } from '../training/store';
import { CheckboxField, NumberField, Panel } from '../shared/ui/controls';
import { DensityChart } from './DensityChart';
import { EigenBars3D } from './EigenBars3D';
import { JobActions } from '../shared/ui/JobActions';
import { JobProgress } from '../shared/ui/JobProgress';
import { WithPng } from '../shared/ui/PngButton';
import { ComputedAt } from '../shared/ui/ComputedAt';
import { downloadHessian } from '../share/reportActions';
import { LaneChooser } from '../shared/ui/LaneChooser';
import { MAX_SEED } from '../../engine/validation';

const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

function Settings({ lanes }: { lanes: LaneConfig[] }) {
  const s = useHessian((st) => st.settings);
  const laneIds = useHessian((st) => st.laneIds);
  const running = useHessian((st) => st.running) !== null;
  const measureShift = useHessian((st) => st.measureShift);
  const dataset = useApp((st) => st.dataset);
  const patch = (p: Partial<HessianSettings>) => updateHessianSettings(p);
  return (
    <div className="landscape-settings">
      <div className="row">
        <NumberField
          label="Hessian samples"
          help={
            `The Hessian of the mean training loss on the first N training samples (fewer samples: larger ` +
            `variance; up to ${dataset?.trainCount.toLocaleString('en-US') ?? '?'})`
          }
          value={s.samples}
          min={1}
          max={100_000}
          integer
          onCommit={(v) => patch({ samples: v })}
        />
        <NumberField
          label="top k"
          help="How many of the largest eigenvalues (Lanczos with full re-orthogonalization)"
          value={s.topK}
          min={1}
          max={20}
          integer
          onCommit={(v) => patch({ topK: v })}
        />
        <NumberField
          label="eigen tolerance"
          help="Stop when every top-k Ritz pair has residual ‖Hy − λy‖ ≤ tol·|λ|"
          value={s.tol}
          min={0}
          max={0.5}
          exclusiveMin
          onCommit={(v) => patch({ tol: v })}
        />
        <NumberField
          label="max iterations"
          help="Cap on Lanczos steps (one Hessian-vector product each)"
          value={s.maxIterations}
          min={1}
          max={500}
          integer
          onCommit={(v) => patch({ maxIterations: v })}
        />
        <NumberField
          label="trace samples"
          help={
            "Cap on Hutchinson's Rademacher samples (one HVP each); it stops earlier when the standard " +
            'error is below the tolerance × |trace|'
          }
          value={s.traceMaxSamples}
          min={2}
          max={10_000}
          integer
          disabled={!s.trace}
          disabledReason="The trace is off"
          onCommit={(v) => patch({ traceMaxSamples: v })}
        />
        <NumberField
          label="trace tolerance"
          help="Relative standard error at which Hutchinson stops"
          value={s.traceTol}
          min={0}
          max={0.5}
          exclusiveMin
          disabled={!s.trace}
          disabledReason="The trace is off"
          onCommit={(v) => patch({ traceTol: v })}
        />
        <NumberField
          label="density runs"
          help="n_v: independent Lanczos runs of stochastic Lanczos quadrature"
          value={s.densityRuns}
          min={1}
          max={50}
          integer
          disabled={!s.density}
          disabledReason="The density is off"
          onCommit={(v) => patch({ densityRuns: v })}
        />
        <NumberField
          label="density steps"
          help="m: Lanczos steps per density run"
          value={s.densitySteps}
          min={2}
          max={300}
          integer
          disabled={!s.density}
          disabledReason="The density is off"
          onCommit={(v) => patch({ densitySteps: v })}
        />
        <NumberField
          label="broadening"
          help="Gaussian broadening σ of the density as a fraction of the spectrum's width"
          value={s.broadening}
          min={0}
          max={0.5}
          exclusiveMin
          disabled={!s.density}
          disabledReason="The density is off"
          onCommit={(v) => patch({ broadening: v })}
        />
        <NumberField
          label="Hessian seed"
          help="Seed of the Lanczos start and the Rademacher vectors"
          value={s.seed}
          min={0}
          max={MAX_SEED}
          integer
          onCommit={(v) => patch({ seed: v })}
        />
      </div>
      <LaneChooser lanes={lanes} chosen={laneIds} disabled={running} onChange={(ids) => useHessian.setState({ laneIds: ids })}>
        <CheckboxField label="trace" help="Estimate Tr(H) by Hutchinson's method" checked={s.trace} onChange={(v) => patch({ trace: v })} />
        <CheckboxField
          label="density"
          help="Estimate the eigenvalue density by stochastic Lanczos quadrature"
          checked={s.density}
          onChange={(v) => patch({ density: v })}
        />
        <CheckboxField
          label="measure SOS shifts"
          help={
            "With 'shift now' on a lane, also compute the top eigenvalues and trace before and after the " +
            "shift (the OS paper's Figure 3), with these settings"
          }
          checked={measureShift}
          onChange={(v) => useHessian.setState({ measureShift: v })}
        />
      </LaneChooser>
    </div>
  );
}

function ResultsTable({ rows }: { rows: Array<{ name: string; color: string; result: HessianResult }> }) {
  return (
    <table className="readouts" data-testid="hessian-table">
      <thead>
        <tr>
          <th>lane</th>
          <th title="The largest eigenvalues of the Hessian, largest first (Lanczos; * not converged to the tolerance)">top eigenvalues</th>
          <th title="Hutchinson estimate of Tr(H) ± its standard error, and the samples it used">trace ± s.e.</th>
          <th title="Training step of the weights, samples of the Hessian, Hessian-vector products and time">
            step · samples · HVPs · time
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, color, result: r }) => (
          <tr key={r.laneId} data-testid={`hessian-row-${r.laneId}`}>
            <td>
              <span className="swatch-inline" style={{ background: color }} />
              {name}
            </td>
            <td>
              {r.top.eigenvalues.map((v) => num(v)).join(', ')}
              {r.top.converged ? '' : ' *'} <span className="muted">({r.top.iterations} it.)</span>
            </td>
            <td>{r.trace ? `${num(r.trace.trace)} ± ${num(r.trace.stdError, 2)} (${r.trace.samples})` : '–'}</td>
            <td>
              {r.step} · {r.samples.toLocaleString('en-US')} · {r.hvps} · {r.seconds.toFixed(1)} s{r.cancelled ? ' (cancelled)' : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Hessian spectra of the lanes: top eigenvalues, trace, density (tracking during training: curvature/). */
export function HessianPanel() {
  const lanes = useApp((s) => s.config.lanes);
  const ready = useApp((s) => s.phase === 'ready' && s.summary !== null);
  const running = useHessian((s) => s.running);
  const progress = useHessian((s) => s.progress);
  const results = useHessian((s) => s.results);
  const logBars = useHessian((s) => s.logBars);
  const [open, setOpen] = useState(true);
  const rows = useMemo(
    () => lanes.flatMap((l) => (results[l.id] ? [{ name: l.name, color: l.color, result: results[l.id] }] : [])),
    [lanes, results],
  );
  const bars = useMemo(() => rows.map((r) => ({ name: r.name, color: r.color, eigenvalues: r.result.top.eigenvalues })), [rows]);
  const resultsRun = useHessian((s) => s.resultsRun);
  return (
    <Panel
      title="Hessian spectrum"
      help={
        "Curvature of the training loss at each lane's weights (PyHessian's methods, with Hessian-vector " +
        'products by central differences of gradients): the largest eigenvalues and the trace measure ' +
        'sharpness'
      }
      className="hessian-panel"
    >
      <JobActions
        label="Hessian"
        testId="hessian"
        ready={ready}
        running={running !== null}
        onCompute={() => void computeHessian()}
        onCancel={() => void cancelHessian()}
        computeTitle="Analyse the chosen lanes' weights now (training may go on meanwhile)"
        cancelTitle="Stop; lanes already analysed are kept"
        open={open}
        onToggle={() => setOpen(!open)}
      >
        <button
          type="button"
          className="small-button"
          onClick={downloadHessian}
          data-testid="hessian-json"
          title="Download the Hessian results (eigenvalues, residuals, trace, density, settings, samples, HVPs) as JSON"
        >
          JSON
        </button>
        <JobProgress running={running !== null} progress={progress} label="Hessian progress" testId="hessian-progress" />
      </JobActions>
      {open && <Settings lanes={lanes} />}
      {rows.length > 0 && (
        <div className="landscape-results" data-testid="hessian-results">
          <ComputedAt
            steps={rows.map((r) => r.result.step)}
            run={resultsRun}
            what="Hessian results"
            testId="hessian-stale"
            onRecompute={running === null && ready ? () => void computeHessian() : undefined}
          />
          <ResultsTable rows={rows} />
          <div className="chart-toolbar">
            <CheckboxField
              label="log heights"
              help="Bar heights by sign(λ)·log10(1 + |λ|/λ0), so small and large eigenvalues are both visible"
              checked={logBars}
              onChange={(v) => useHessian.setState({ logBars: v })}
            />
          </div>
          <div className="curve-charts">
            <WithPng name="Hessian top eigenvalues">
              <EigenBars3D lanes={bars} log={logBars} />
            </WithPng>
            <DensityChart lines={rows} />
          </div>
        </div>
      )}
    </Panel>
  );
}
