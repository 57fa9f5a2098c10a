import { useMemo, useState } from 'react';
import type { CurveResult, Endpoint, LandscapeSettings } from '../../engine/landscape/config';
import type { LaneConfig } from '../../engine/train/config';
import { cancelLandscape, computeLandscape, updateLandscapeSettings, useLandscape, type LandscapeKind } from './store';
import { useApp } from '../training/store';
import { notify } from '../shell/messages';
import { CheckboxField, NumberField, Panel, SelectField } from '../shared/ui/controls';
import { CurveChart } from './CurveChart';
import { JobProgress } from '../shared/ui/JobProgress';
import { LaneChooser } from '../shared/ui/LaneChooser';
import { downloadLandscape } from '../share/reportActions';
import { CurveReadouts, SurfaceReadouts } from './Readouts';
import { SurfaceViews } from './SurfaceViews';
import { completeGrid } from '../shared/plot/surfaceGrid';

const KINDS: Array<{ value: LandscapeKind; label: string; title: string }> = [
  { value: 'surface', label: '2D surfaces', title: 'L(θ + α d1 + β d2) on a grid, per lane, shown in 3D side by side' },
  { value: 'curve', label: '1D curves', title: 'L(θ + α d) along one filter-normalized direction, every lane in one chart' },
  {
    value: 'interpolation',
    label: 'interpolation',
    title: 'L(θ1 + α(θ2 − θ1)): the straight line between two weight vectors (lanes, or a lane’s initial and current weights)',
  },
];

function Progress() {
  const running = useLandscape((s) => s.running);
  const progress = useLandscape((s) => s.progress);
  return <JobProgress running={running !== null} progress={progress} label="landscape progress" testId="landscape-progress" />;
}

function EndpointField({
  label,
  help,
  value,
  lanes,
  onChange,
}: {
  label: string;
  help: string;
  value: Endpoint;
  lanes: LaneConfig[];
  onChange(e: Endpoint): void;
}) {
  const options = lanes.flatMap((l) =>
    (['current', 'initial'] as const).map((w) => ({ value: `${l.id}:${w}`, label: `${l.name} (${w})` })),
  );
  return (
    <SelectField
      label={label}
      help={help}
      value={`${value.laneId}:${value.weights}`}
      options={options}
      onChange={(v) => {
        const [laneId, weights] = v.split(':');
        onChange({ laneId, weights: weights as Endpoint['weights'] });
      }}
    />
  );
}

function RangeFields({ label, value, onCommit }: { label: string; value: [number, number]; onCommit(range: [number, number]): void }) {
  const commit = (range: [number, number]) => {
    if (range[0] >= range[1]) notify('error', `${label}: the start (${range[0]}) must be smaller than the end (${range[1]})`);
    else onCommit(range);
  };
  return (
    <>
      <NumberField
        label={`${label} from`}
        help={`Start of the ${label} (in units of the direction: 1 = one filter norm)`}
        value={value[0]}
        min={-10}
        max={10}
        onCommit={(v) => commit([v, value[1]])}
      />
      <NumberField label="to" help={`End of the ${label}`} value={value[1]} min={-10} max={10} onCommit={(v) => commit([value[0], v])} />
    </>
  );
}

function Settings({ lanes }: { lanes: LaneConfig[] }) {
  const kind = useLandscape((s) => s.kind);
  const settings = useLandscape((s) => s.settings);
  const laneIds = useLandscape((s) => s.laneIds);
  const from = useLandscape((s) => s.from);
  const to = useLandscape((s) => s.to);
  const running = useLandscape((s) => s.running) !== null;
  const dataset = useApp((s) => s.dataset);
  const trainCount = dataset?.trainCount.toLocaleString('en-US') ?? '?';
  const patch = (p: Partial<LandscapeSettings>) => updateLandscapeSettings(p);
  return (
    <div className="landscape-settings">
      <div className="row">
        <SelectField<LandscapeKind>
          label="view"
          help="What to compute"
          value={kind}
          options={KINDS}
          onChange={(k) => useLandscape.setState({ kind: k })}
          testId="landscape-kind"
        />
        {kind === 'interpolation' ? (
          <>
            <EndpointField
              label="from (α = 0)"
              help="The weights at α = 0"
              value={from}
              lanes={lanes}
              onChange={(e) => useLandscape.setState({ from: e })}
            />
            <EndpointField
              label="to (α = 1)"
              help="The weights at α = 1"
              value={to}
              lanes={lanes}
              onChange={(e) => useLandscape.setState({ to: e })}
            />
            <RangeFields label="α range" value={settings.interpolationRange} onCommit={(r) => patch({ interpolationRange: r })} />
          </>
        ) : (
          <RangeFields label={kind === 'surface' ? 'α, β range' : 'α range'} value={settings.range} onCommit={(r) => patch({ range: r })} />
        )}
        {kind === 'surface' ? (
          <NumberField
            label="grid points"
            help="Points per axis of the surface grid (3–101); computed coarse to fine from a 13 x 13 preview"
            value={settings.surfacePoints}
            min={3}
            max={101}
            integer
            onCommit={(v) => patch({ surfacePoints: v })}
          />
        ) : (
          <NumberField
            label="points"
            help="Points along the curve (3–401)"
            value={settings.curvePoints}
            min={3}
            max={401}
            integer
            onCommit={(v) => patch({ curvePoints: v })}
          />
        )}
        <NumberField
          label="train subset"
          help={`The first N training samples form the fixed evaluation subset (up to the whole split, ${trainCount})`}
          value={settings.trainSamples}
          min={1}
          max={1_000_000}
          integer
          onCommit={(v) => patch({ trainSamples: v })}
        />
        <NumberField
          label="test subset"
          help={`The first N test samples (0: no test curve; up to ${dataset?.testCount.toLocaleString('en-US') ?? '?'})`}
          value={settings.testSamples}
          min={0}
          max={1_000_000}
          integer
          onCommit={(v) => patch({ testSamples: v })}
        />
        {kind === 'surface' && (
          <SelectField<'train' | 'test'>
            label="surface of"
            help="Which evaluation subset the surface shows"
            value={settings.surfaceSplit}
            options={[
              { value: 'train', label: 'training loss' },
              { value: 'test', label: 'test loss' },
            ]}
            onChange={(v) => patch({ surfaceSplit: v })}
          />
        )}
        {kind !== 'interpolation' && (
          <>
            <NumberField
              label="direction seed"
              help={
                'Seed of the random directions; by default every lane is seen along directions drawn with this ' +
                'seed (each normalized to its own weights)'
              }
              value={settings.seed}
              min={0}
              max={2 ** 31 - 1}
              integer
              onCommit={(v) => patch({ seed: v })}
            />
            <SelectField<'filter' | 'none'>
              label="normalization"
              help={
                'Filter normalization (Li et al. 2018) rescales every filter of the direction to the norm of ' +
                "the lane's filter, so lanes with different weight scales compare fairly; 'none' uses the raw " +
                'Gaussian direction'
              }
              value={settings.normalization}
              options={[
                { value: 'filter', label: 'filter-normalized' },
                { value: 'none', label: 'none (raw)' },
              ]}
              onChange={(v) => patch({ normalization: v })}
            />
          </>
        )}
      </div>
      {kind !== 'interpolation' && (
        <LaneChooser lanes={lanes} chosen={laneIds} disabled={running} onChange={(ids) => useLandscape.setState({ laneIds: ids })}>
          <CheckboxField
            label="per-lane seeds"
            help="Draw each lane's directions from its own seed instead of the shared one"
            checked={settings.perLaneSeeds}
            onChange={(v) => patch({ perLaneSeeds: v })}
          />
        </LaneChooser>
      )}
    </div>
  );
}

/** The basin level: automatic (lowest centre loss + 0.5) unless the user sets one. */
function useLevel(centres: number[]): [number, boolean] {
  const level = useLandscape((s) => s.level);
  const finite = centres.filter(Number.isFinite);
  const auto = finite.length > 0 ? Number((Math.min(...finite) + 0.5).toPrecision(3)) : 1;
  return level === null ? [auto, true] : [level, false];
}

function ReadoutControls({ level, auto }: { level: number; auto: boolean }) {
  const radius = useLandscape((s) => s.radius);
  return (
    <div className="row readout-controls">
      <NumberField
        label="rise radius r"
        help="The read-outs give the loss rise at ±r along each direction"
        value={radius}
        min={0.001}
        max={10}
        onCommit={(v) => useLandscape.setState({ radius: v })}
      />
      <NumberField
        label={`basin level${auto ? ' (auto)' : ''}`}
        help={
          "The basin is the connected region around the lane's weights where the loss stays at or below " +
          'this level (auto: the lowest centre loss + 0.5); the same level for every lane'
        }
        value={level}
        min={0}
        max={1e6}
        onCommit={(v) => useLandscape.setState({ level: v })}
      />
    </div>
  );
}

function laneOf(lanes: LaneConfig[], id: string): LaneConfig | undefined {
  return lanes.find((l) => l.id === id);
}

function CurveResults({ lanes, curves, interpolation }: { lanes: LaneConfig[]; curves: CurveResult[]; interpolation: boolean }) {
  const radius = useLandscape((s) => s.radius);
  const palette = ['#5f6368', '#9334e6', '#00897b', '#c5221f'];
  const lines = curves.map((curve, i) => ({
    curve,
    color: (interpolation ? undefined : laneOf(lanes, curve.key)?.color) ?? palette[i % palette.length],
    name: curve.label,
  }));
  const centres = lines.map((l) => l.curve.train.loss[l.curve.alphas.indexOf(0)] ?? NaN);
  const [level, auto] = useLevel(centres);
  const xLabel = interpolation ? 'α (0: from, 1: to)' : 'α';
  const samples = curves[0]?.samples;
  return (
    <div className="landscape-results" data-testid={interpolation ? 'interpolation-results' : 'curve-results'}>
      <div className="curve-charts">
        <CurveChart
          lines={lines}
          value="loss"
          xLabel={xLabel}
          title={interpolation ? 'Loss along the interpolation' : 'Loss along a filter-normalized direction'}
          help="Training subset solid, test subset dashed; hover for values, drag to zoom"
          testId={interpolation ? 'interpolation-loss' : 'curve-loss'}
        />
        <CurveChart
          lines={lines}
          value="accuracy"
          xLabel={xLabel}
          title="Accuracy"
          help="Training subset solid, test subset dashed"
          testId={interpolation ? 'interpolation-accuracy' : 'curve-accuracy'}
        />
      </div>
      <p className="note">
        {samples ? `${samples.train.toLocaleString('en-US')} training and ${samples.test.toLocaleString('en-US')} test samples` : ''}
        {curves.some((c) => c.cancelled) ? ' · cancelled: gaps were not computed' : ''}
      </p>
      <ReadoutControls level={level} auto={auto} />
      <CurveReadouts curves={lines} radius={radius} level={level} />
    </div>
  );
}

function SurfaceResults({ lanes }: { lanes: LaneConfig[] }) {
  const surfaces = useLandscape((s) => s.surfaces);
  const radius = useLandscape((s) => s.radius);
  const list = useMemo(
    () =>
      Object.values(surfaces).map((surface) => ({
        surface,
        name: laneOf(lanes, surface.laneId)?.name ?? surface.laneId,
        color: laneOf(lanes, surface.laneId)?.color ?? '#5f6368',
      })),
    [surfaces, lanes],
  );
  const centres = list.map(({ surface }) => {
    const grid = completeGrid(surface);
    return grid ? grid.loss[Math.floor(grid.ys.length / 2) * grid.xs.length + Math.floor(grid.xs.length / 2)] : NaN;
  });
  const [level, auto] = useLevel(centres);
  if (list.length === 0) return null;
  const first = list[0].surface;
  const n = first.alphas.length;
  const grid = `${n} x ${n}`;
  const range = `[${first.alphas[0]}, ${first.alphas[n - 1]}]`;
  return (
    <div className="landscape-results" data-testid="surface-results">
      <SurfaceViews items={list} />
      <p className="note">
        {first.split === 'train' ? 'Training' : 'Test'} loss on {first.samples.toLocaleString('en-US')} samples, {grid} grid over {range}²;
        views show the finest complete level.
      </p>
      <ReadoutControls level={level} auto={auto} />
      <SurfaceReadouts surfaces={list} radius={radius} level={level} />
    </div>
  );
}

/** Filter-normalized loss landscapes of the lanes: 1D curves, 2D surfaces in 3D, interpolations. */
export function LandscapePanel() {
  const lanes = useApp((s) => s.config.lanes);
  const ready = useApp((s) => s.phase === 'ready' && s.summary !== null);
  const kind = useLandscape((s) => s.kind);
  const running = useLandscape((s) => s.running);
  const curves = useLandscape((s) => s.curves);
  const interpolations = useLandscape((s) => s.interpolations);
  const [open, setOpen] = useState(true);
  const curveList = useMemo(() => lanes.flatMap((l) => (curves[l.id] ? [curves[l.id]] : [])), [lanes, curves]);
  const interpolationList = useMemo(() => Object.values(interpolations), [interpolations]);
  return (
    <Panel
      title="Loss landscape"
      help={
        "Li et al.'s filter-normalized slices of the loss around each lane's current weights: a flat " +
        'minimum has a wide, low basin; a sharp one a narrow, steep one'
      }
      className="landscape-panel"
    >
      <div className="landscape-actions">
        <button
          type="button"
          className="compute-button"
          data-testid="landscape-compute"
          disabled={!ready || running !== null}
          onClick={() => void computeLandscape()}
          title="Compute the chosen view from a snapshot of the lanes' weights now (training may go on meanwhile)"
        >
          Landscape
        </button>
        <button
          type="button"
          className="small-button"
          data-testid="landscape-cancel"
          disabled={running === null}
          onClick={() => void cancelLandscape()}
          title="Stop computing; what is computed so far is kept and shown"
        >
          Cancel
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          title="Show or hide the settings"
        >
          {open ? 'hide settings' : 'settings'}
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => downloadLandscape('csv')}
          data-testid="landscape-csv"
          title="Download the results shown as CSV (α, β, split, loss, accuracy)"
        >
          CSV
        </button>
        {kind === 'surface' && (
          <button
            type="button"
            className="small-button"
            onClick={() => downloadLandscape('vtp')}
            data-testid="landscape-vtp"
            title="Download each surface as VTK PolyData (.vtp) for ParaView"
          >
            VTP
          </button>
        )}
        <Progress />
      </div>
      {open && <Settings lanes={lanes} />}
      {kind === 'surface' && <SurfaceResults lanes={lanes} />}
      {kind === 'curve' && curveList.length > 0 && <CurveResults lanes={lanes} curves={curveList} interpolation={false} />}
      {kind === 'interpolation' && interpolationList.length > 0 && <CurveResults lanes={lanes} curves={interpolationList} interpolation />}
    </Panel>
  );
}
