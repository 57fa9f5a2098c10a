/** The landscape panel's settings: what to compute, for which lanes, on how many samples, along which directions. */
import type { Endpoint, LandscapeSettings } from '../../engine/landscape/config';
import type { LaneConfig } from '../../engine/train/config';
import { updateLandscapeSettings, useLandscape, type LandscapeKind } from './store';
import { useApp } from '../training/store';
import { notify } from '../shell/messages';
import { CheckboxField, NumberField, SelectField } from '../shared/ui/controls';
import { JobProgress } from '../shared/ui/JobProgress';
import { LaneChooser } from '../shared/ui/LaneChooser';
import { MAX_SEED } from '../../engine/validation';

export const KINDS: Array<{ value: LandscapeKind; label: string; title: string }> = [
  { value: 'surface', label: '2D surfaces', title: 'L(θ + α d1 + β d2) on a grid, per lane, shown in 3D side by side' },
  { value: 'curve', label: '1D curves', title: 'L(θ + α d) along one filter-normalized direction, every lane in one chart' },
  {
    value: 'interpolation',
    label: 'interpolation',
    title: 'L(θ1 + α(θ2 − θ1)): the straight line between two weight vectors (lanes, or a lane’s initial and current weights)',
  },
];

export function Progress() {
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

export function Settings({ lanes }: { lanes: LaneConfig[] }) {
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
              max={MAX_SEED}
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
