import { useEffect, useMemo } from 'react';
import { MAX_TOY_RUNS } from '../../engine/io/experiment';
import { deformValue, type Deformation } from '../../engine/optim/deformation';
import { TOY_PRESETS } from '../../engine/toy/presets';
import { hessianEigenvalues, SURFACE_IDS, SURFACES, type Surface } from '../../engine/toy/surfaces';
import {
  addRun,
  applyToyPreset,
  chooseSurface,
  currentSurface,
  lastStep,
  recompute,
  setFormula,
  setStart,
  setSteps,
  toyReset,
  toyStep,
  toyTogglePlay,
  useToy,
} from './store';
import { CheckboxField, NumberField, Panel, SelectField, TextField } from '../shared/ui/controls';
import { DeformationPlot } from '../shared/plot/DeformationPlot';
import { ToyContour2D, type ToyGrid, type ToyTrajectory } from './ToyContour2D';
import { ToySurface3D } from './ToySurface3D';
import { ToyRunEditor } from './ToyRunEditor';
import { WithPng } from '../shared/ui/PngButton';
import { downloadToy } from '../share/reportActions';
import { PauseIcon, PlayIcon, ResetIcon, StepIcon } from '../shared/ui/icons';

const GRID = 121;

function sampleGrid(surface: Surface, deformation: Deformation | null): ToyGrid {
  const [x0, x1, y0, y1] = surface.view;
  const xs = Array.from({ length: GRID }, (_, i) => x0 + ((x1 - x0) * i) / (GRID - 1));
  const ys = Array.from({ length: GRID }, (_, j) => y0 + ((y1 - y0) * j) / (GRID - 1));
  const values: number[] = [];
  for (const y of ys)
    for (const x of xs) {
      const l = surface.value([x, y]);
      values.push(deformation ? deformValue(deformation, l) : l);
    }
  return { xs, ys, values };
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

function Transport() {
  const playing = useToy((s) => s.playing);
  const upTo = useToy((s) => s.upTo);
  const speed = useToy((s) => s.speed);
  useToy((s) => s.results);
  const end = lastStep();
  return (
    <div className="toy-transport">
      <button
        type="button"
        className="round small"
        onClick={toyReset}
        title="Back to the start point (step 0)"
        aria-label="Reset the toy runs"
      >
        <ResetIcon />
      </button>
      <button
        type="button"
        className="round big"
        onClick={toyTogglePlay}
        title="Animate the runs step by step (Space)"
        aria-label={playing ? 'Pause the toy runs' : 'Play the toy runs'}
        data-testid="toy-play"
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <button type="button" className="round small" onClick={toyStep} title="One step (→)" aria-label="One toy step">
        <StepIcon />
      </button>
      <div className="counter">
        <div className="counter-label">step</div>
        <div className="counter-value" data-testid="toy-step">
          {upTo}
        </div>
        <div className="counter-sub">of {end}</div>
      </div>
      <SelectField<string>
        label="speed"
        help="Animation speed"
        value={String(speed)}
        options={[10, 30, 60, 200, 1000].map((v) => ({ value: String(v), label: `${v} steps/s` }))}
        onChange={(v) => useToy.setState({ speed: Number(v) })}
      />
      <button
        type="button"
        className="small-button"
        onClick={downloadToy}
        data-testid="toy-csv"
        title="Download every run's trajectory as CSV (run, label, step, p1, p2, loss)"
      >
        CSV
      </button>
      <div className="presets">
        <span className="label" title="Set up a paper's experiment in one click">
          presets
        </span>
        {TOY_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="preset"
            title={p.description}
            data-testid={`toy-preset-${p.id}`}
            onClick={() => applyToyPreset(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>
    </div>
  );
}

function SurfacePanel() {
  const surfaceId = useToy((s) => s.surfaceId);
  const formula = useToy((s) => s.formula);
  const formulaError = useToy((s) => s.formulaError);
  const start = useToy((s) => s.start);
  const steps = useToy((s) => s.steps);
  const log = useToy((s) => s.log);
  const runs = useToy((s) => s.runs);
  const deformedBy = useToy((s) => s.deformedBy);
  const deformed = runs.find((r) => r.id === deformedBy && r.config.deformation.kind !== 'none');
  const withDeformation = runs.filter((r) => r.config.deformation.kind !== 'none');
  const description = surfaceId === 'custom' ? `ℓ = ${formula}` : SURFACES[surfaceId].description;
  return (
    <Panel title="Surface" help="The 2D loss ℓ(p1, p2) the runs descend">
      <SelectField<string>
        label="surface"
        help={description}
        value={surfaceId}
        testId="toy-surface"
        options={[
          ...SURFACE_IDS.map((id) => ({ value: id, label: SURFACES[id].label, title: SURFACES[id].description })),
          { value: 'custom', label: 'your formula…' },
        ]}
        onChange={chooseSurface}
      />
      <p className="note">{description}</p>
      {surfaceId === 'custom' && (
        <TextField
          label="formula in p1, p2"
          help={
            'Numbers, + − * / ^, parentheses, pi, e and sin cos tan asin acos atan sinh cosh tanh exp log ' +
            'log10 sqrt abs pow min max; parsed safely (mathjs), gradients symbolic'
          }
          value={formula}
          parse={() => null}
          onCommit={(t) => void setFormula(t)}
        />
      )}
      {formulaError && (
        <div className="field-error" role="alert" data-testid="formula-error">
          {formulaError}
        </div>
      )}
      <div className="row">
        <NumberField
          label="start p1"
          help="Where every run starts (or click the map)"
          value={start[0]}
          min={-1e6}
          max={1e6}
          onCommit={(v) => setStart([v, start[1]])}
        />
        <NumberField
          label="start p2"
          help="Where every run starts (or click the map)"
          value={start[1]}
          min={-1e6}
          max={1e6}
          onCommit={(v) => setStart([start[0], v])}
        />
        <NumberField label="steps" help="Steps of every run (1–100,000)" value={steps} min={1} max={100_000} integer onCommit={setSteps} />
      </div>
      <CheckboxField
        label="log scale"
        help="Colour and height by the log of the (shifted) loss, to see detail near the minima"
        checked={log}
        onChange={(v) => useToy.setState({ log: v })}
      />
      <SelectField<string>
        label="show surface"
        help="The plain loss ℓ(p), or the deformed surface δ(ℓ(p)) a run with a deformation actually descends"
        value={deformed ? deformed.id : 'plain'}
        testId="toy-deformed"
        options={[
          { value: 'plain', label: 'plain ℓ(p)' },
          ...withDeformation.map((r) => ({ value: r.id, label: `δ(ℓ(p)) of ${r.label}` })),
        ]}
        onChange={(v) => useToy.setState({ deformedBy: v === 'plain' ? null : v })}
      />
      {deformed && (
        <>
          <h3>δ(ℓ) and δ′(ℓ) of {deformed.label}</h3>
          <DeformationPlot deformation={deformed.config.deformation} />
        </>
      )}
    </Panel>
  );
}

function Readouts({ surface }: { surface: Surface }) {
  const runs = useToy((s) => s.runs);
  const results = useToy((s) => s.results);
  const upTo = useToy((s) => s.upTo);
  return (
    <table className="readouts" data-testid="toy-readouts">
      <thead>
        <tr>
          <th>run</th>
          <th title="Current point of the run">p</th>
          <th title="Plain loss ℓ at the current point">ℓ</th>
          <th title="‖∇ℓ‖ at the current point">‖∇ℓ‖</th>
          <th title="Eigenvalues λmin, λmax of the 2 x 2 Hessian of ℓ at the current point: the sharpness there">Hessian λ</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const path = results[run.id]?.path;
          if (!path) return null;
          const [x, y, l] = path[Math.min(upTo, path.length - 1)];
          const g = surface.gradient([x, y]);
          const [lo, hi] = hessianEigenvalues(surface, [x, y]);
          return (
            <tr key={run.id} data-testid={`toy-readout-${run.id}`}>
              <td>
                <span className="swatch-inline" style={{ background: run.color }} />
                {run.label}
              </td>
              <td>
                ({fmt(x)}, {fmt(y)})
              </td>
              <td>{fmt(l)}</td>
              <td>{fmt(Math.hypot(g[0], g[1]), 3)}</td>
              <td data-lmax={hi}>
                {fmt(lo)}, {fmt(hi)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The toy 2D surface lab: optimizers and deformations on surfaces you can see. */
export function ToyLab() {
  const surfaceId = useToy((s) => s.surfaceId);
  const formula = useToy((s) => s.formula);
  const formulaError = useToy((s) => s.formulaError);
  const runs = useToy((s) => s.runs);
  const results = useToy((s) => s.results);
  const upTo = useToy((s) => s.upTo);
  const log = useToy((s) => s.log);
  const start = useToy((s) => s.start);
  const deformedBy = useToy((s) => s.deformedBy);
  useEffect(() => {
    if (Object.keys(useToy.getState().results).length === 0) recompute();
  }, []);
  const surface = useMemo(() => {
    try {
      return currentSurface();
    } catch {
      return null;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [surfaceId, formula, formulaError]);
  const deformation = runs.find((r) => r.id === deformedBy)?.config.deformation ?? null;
  const deformKey = JSON.stringify(deformation);
  const grid = useMemo(
    () => (surface ? sampleGrid(surface, deformation) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [surface, deformKey],
  );
  const trajectories: ToyTrajectory[] = useMemo(
    () =>
      runs.flatMap((run) => {
        const r = results[run.id];
        if (!r) return [];
        const points = r.path.map(([x, y, l]) => [x, y, deformation ? deformValue(deformation, l) : l] as [number, number, number]);
        return [{ id: run.id, label: run.label, color: run.color, points }];
      }),
    // `deformKey` stands for `deformation`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runs, results, deformKey],
  );
  return (
    <div className="toy-lab" data-testid="toy-lab">
      <Transport />
      <div className="toy-columns">
        <div className="column">
          <SurfacePanel />
        </div>
        <div className="column toy-views">
          <Panel
            title={deformation ? 'Deformed surface' : 'Surface and trajectories'}
            help={
              deformation
                ? 'δ(ℓ(p)) of the chosen run, with the trajectories; click the map to set the start point'
                : "ℓ(p) in 3D and as a contour map with the runs' trajectories; click the map to set the start point"
            }
          >
            {grid && surface ? (
              <div className="toy-view-grid">
                <WithPng name="toy surface 3D">
                  <ToySurface3D grid={grid} log={log} trajectories={trajectories} upTo={upTo} />
                </WithPng>
                <WithPng name="toy contour map">
                  <ToyContour2D
                    grid={grid}
                    log={log}
                    trajectories={trajectories}
                    upTo={upTo}
                    start={start}
                    onPick={(x, y) => setStart([Number(x.toPrecision(4)), Number(y.toPrecision(4))])}
                  />
                </WithPng>
              </div>
            ) : (
              <p className="note warning">Fix the formula to see the surface.</p>
            )}
            {surface && <Readouts surface={surface} />}
          </Panel>
        </div>
        <div className="column">
          <Panel title={`Runs (${runs.length})`} help="Each run starts at the same point with its own optimizer and settings">
            <div className="lanes">
              {runs.map((run) => (
                <ToyRunEditor key={run.id} run={run} />
              ))}
            </div>
            <button
              type="button"
              className="add-lane"
              onClick={addRun}
              disabled={runs.length >= MAX_TOY_RUNS}
              title={`Add a run (up to ${MAX_TOY_RUNS})`}
            >
              + add run
            </button>
          </Panel>
        </div>
      </div>
    </div>
  );
}
