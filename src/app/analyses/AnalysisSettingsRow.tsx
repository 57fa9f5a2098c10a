import type { AnalysisKind } from '../../engine/analyses/config';
import type { LaneConfig } from '../../engine/train/config';
import { CheckboxField, NumberField, SelectField } from '../shared/ui/controls';
import { LaneChooser } from '../shared/ui/LaneChooser';
import { notify } from '../shell/messages';
import { kindOf, type Field } from './kinds';
import { connectivityPair, updateAnalysisSettings, useAnalyses } from './store';

function FieldControl({ kind, field }: { kind: AnalysisKind; field: Field }) {
  const settings = useAnalyses((s) => s.settings[kind]) as unknown as Record<string, unknown>;
  const patch = (p: Record<string, unknown>) => updateAnalysisSettings(kind, p as never);
  if ('checkbox' in field)
    return (
      <CheckboxField
        label={field.label}
        help={field.help}
        checked={settings[field.key] === true}
        onChange={(v) => patch({ [field.key]: v })}
      />
    );
  if ('end' in field) {
    const range = settings[field.key] as [number, number];
    return (
      <NumberField
        label={field.label}
        help={field.help}
        value={range[field.end]}
        min={field.min}
        max={field.max}
        onCommit={(v) => {
          const next: [number, number] = field.end === 0 ? [v, range[1]] : [range[0], v];
          if (next[0] >= next[1]) notify('error', `${field.label}: the range must go from a smaller to a larger number`);
          else patch({ [field.key]: next });
        }}
      />
    );
  }
  return (
    <NumberField
      label={field.label}
      help={field.help}
      value={settings[field.key] as number}
      min={field.min}
      max={field.max}
      integer={field.integer}
      exclusiveMin={field.exclusiveMin}
      onCommit={(v) => patch({ [field.key]: v })}
    />
  );
}

function PairChooser({ lanes, disabled }: { lanes: LaneConfig[]; disabled: boolean }) {
  useAnalyses((s) => s.pair); // re-render when the pair changes
  const pair = connectivityPair();
  if (!pair) return <p className="muted">Mode connectivity needs two lanes: add a lane first.</p>;
  const options = lanes.map((l) => ({ value: l.id, label: l.name }));
  const choose = (end: 0 | 1, id: string) => {
    const next: [string, string] = end === 0 ? [id, pair[1]] : [pair[0], id];
    if (next[0] === next[1]) notify('error', 'θ1 and θ2 must be two different lanes');
    else useAnalyses.setState({ pair: next });
  };
  return (
    <div className="row">
      <SelectField
        label="θ1"
        help="The lane at t = 0"
        value={pair[0]}
        options={options}
        disabled={disabled}
        onChange={(id) => choose(0, id)}
        testId="connectivity-from"
      />
      <SelectField
        label="θ2"
        help="The lane at t = 1"
        value={pair[1]}
        options={options}
        disabled={disabled}
        onChange={(id) => choose(1, id)}
        testId="connectivity-to"
      />
    </div>
  );
}

function CentreChooser({ lanes, disabled }: { lanes: LaneConfig[]; disabled: boolean }) {
  const centre = useAnalyses((s) => s.settings.trajectory.centre);
  const options = [
    { value: 'mean', label: 'mean of the final weights' },
    ...lanes.map((l) => ({ value: l.id, label: `${l.name}'s final weights` })),
  ];
  return (
    <SelectField
      label="centre"
      help="The point the PCA is centred on (the plane's origin)"
      value={options.some((o) => o.value === centre) ? centre : 'mean'}
      options={options}
      disabled={disabled}
      onChange={(v) => updateAnalysisSettings('trajectory', { centre: v })}
      testId="trajectory-centre"
    />
  );
}

/** The chosen analysis's settings, from its descriptor, and which lanes it runs on. */
export function AnalysisSettingsRow({ kind, lanes }: { kind: AnalysisKind; lanes: LaneConfig[] }) {
  const descriptor = kindOf(kind);
  const running = useAnalyses((s) => s.running) !== null;
  const laneIds = useAnalyses((s) => s.laneIds);
  return (
    <div className="landscape-settings">
      <div className="row">
        {descriptor.fields.map((f) => (
          <FieldControl key={`${f.key}${'end' in f ? f.end : ''}`} kind={kind} field={f} />
        ))}
        {kind === 'trajectory' && <CentreChooser lanes={lanes} disabled={running} />}
      </div>
      {descriptor.lanes === 'pair' ? (
        <PairChooser lanes={lanes} disabled={running} />
      ) : (
        <LaneChooser lanes={lanes} chosen={laneIds} disabled={running} onChange={(ids) => useAnalyses.setState({ laneIds: ids })} />
      )}
    </div>
  );
}
