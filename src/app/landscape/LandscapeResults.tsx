/** The landscape panel's results: 1D curves and interpolations, 2D surfaces, and their read-outs. */
import { useMemo } from 'react';
import type { CurveResult } from '../../engine/landscape/config';
import type { LaneConfig } from '../../engine/train/config';
import { computeLandscape, useLandscape } from './store';
import { NumberField } from '../shared/ui/controls';
import { CurveChart } from './CurveChart';
import { CurveReadouts, SurfaceReadouts } from './Readouts';
import { SurfaceViews } from './SurfaceViews';
import { completeGrid } from '../shared/plot/surfaceGrid';
import { ComputedAt } from '../shared/ui/ComputedAt';

/** The step the landscape results were computed at, marked stale with "recompute" when the lanes moved on. */
function LandscapeComputedAt({ steps }: { steps: number[] }) {
  const run = useLandscape((s) => s.resultsRun);
  const idle = useLandscape((s) => s.running === null);
  return (
    <ComputedAt
      steps={steps}
      run={run}
      what="Landscape results"
      testId="landscape-stale"
      onRecompute={idle ? () => void computeLandscape() : undefined}
    />
  );
}

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

export function CurveResults({ lanes, curves, interpolation }: { lanes: LaneConfig[]; curves: CurveResult[]; interpolation: boolean }) {
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
      <LandscapeComputedAt steps={curves.map((c) => c.step)} />
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

export function SurfaceResults({ lanes }: { lanes: LaneConfig[] }) {
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
      <LandscapeComputedAt steps={list.map((l) => l.surface.step)} />
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
