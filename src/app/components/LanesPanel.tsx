import { OPTIMIZERS, changeOptimizerKind, type OptimizerKind } from '../../engine/optim/registry';
import type { OptimizerConfig } from '../../engine/optim/config';
import type { Schedule } from '../../engine/optim/schedule';
import { isBooleanParam } from '../../engine/optim/types';
import { MAX_LANES, type LaneConfig } from '../../engine/train/config';
import { addLane, duplicateLane, removeLane, updateLane, useApp, type LaneSeries } from '../store';
import { CheckboxField, NumberField, Panel, SelectField, TextField } from './controls';
import { CloseIcon, CopyIcon } from './icons';

const PAUSE = 'Pause to edit the lanes';

function latest(series: LaneSeries | undefined, metric: keyof LaneSeries): number | undefined {
  const s = series?.[metric];
  return s && s.values.length > 0 ? s.values[s.values.length - 1] : undefined;
}

function LaneReadout({ laneId }: { laneId: string }) {
  useApp((s) => s.seriesVersion);
  const series = useApp((s) => s.series[laneId]);
  const loss = latest(series, 'train_loss');
  const testAcc = latest(series, 'test_acc');
  const speed = latest(series, 'steps_per_s');
  const evals = series?.train_loss?.gradEvals.at(-1);
  const wall = series?.train_loss?.wallSeconds.at(-1);
  const fmt = (v: number | undefined, digits: number) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
  return (
    <div className="lane-readout" data-testid={`lane-readout-${laneId}`}>
      <span title="Training loss (mean over the last logging interval)">loss {fmt(loss, 3)}</span>
      <span title="Test accuracy at the last evaluation">test {testAcc === undefined ? '–' : `${(testAcc * 100).toFixed(1)}%`}</span>
      <span title="This lane's steps per second">{fmt(speed, 1)} st/s</span>
      <span title="Gradient evaluations used so far (SAM and NSO cost more per step)">{evals ?? 0} grads</span>
      <span title="Wall-clock seconds this lane has trained">{fmt(wall, 1)} s</span>
    </div>
  );
}

function OptimizerControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const entry = OPTIMIZERS[lane.optimizer.kind];
  const values = lane.optimizer as Record<string, unknown>;
  const set = (key: string, value: number | boolean) => void updateLane(lane.id, { optimizer: { ...lane.optimizer, [key]: value } as OptimizerConfig });
  return (
    <div className="row">
      {entry.controls.map((control) =>
        isBooleanParam(control) ? (
          <CheckboxField key={control.key} label={control.label} help={control.help} checked={Boolean(values[control.key])} disabled={disabled} disabledReason={PAUSE} onChange={(v) => set(control.key, v)} />
        ) : (
          <NumberField key={control.key} label={control.label} help={`${control.help} (${control.min}–${control.max})`} value={Number(values[control.key])} min={control.min} max={control.max} step={control.step} disabled={disabled} disabledReason={PAUSE} onCommit={(v) => set(control.key, v)} />
        ),
      )}
    </div>
  );
}

function parseMilestones(text: string): string | null {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length > 20) return 'at most 20 milestones';
  for (const p of parts) if (!/^\d+$/.test(p) || Number(p) < 1) return `"${p}" is not an epoch number ≥ 1`;
  return null;
}

function ScheduleControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const schedule = lane.schedule;
  const setSchedule = (next: Schedule) => void updateLane(lane.id, { schedule: next });
  return (
    <div className="row">
      <SelectField<Schedule['kind']>
        label="schedule"
        help="Learning-rate schedule: constant; step (multiply by a factor at milestone epochs); cosine (decay to a floor over all epochs)"
        value={schedule.kind}
        disabled={disabled}
        disabledReason={PAUSE}
        options={[{ value: 'constant', label: 'constant' }, { value: 'step', label: 'step' }, { value: 'cosine', label: 'cosine' }]}
        onChange={(kind) => setSchedule(kind === 'step' ? { kind, milestones: [2, 4], factor: 0.1 } : kind === 'cosine' ? { kind, minFactor: 0 } : { kind })}
      />
      {schedule.kind === 'step' && (
        <>
          <TextField label="milestones" help="Epochs at which the learning rate is multiplied by the factor, e.g. 2, 4" value={schedule.milestones.join(', ')} disabled={disabled} disabledReason={PAUSE} parse={parseMilestones}
            onCommit={(t) => setSchedule({ ...schedule, milestones: t.split(',').map((p) => p.trim()).filter(Boolean).map(Number) })} />
          <NumberField label="factor" help="Multiplier applied at each milestone (0–1)" value={schedule.factor} min={0.0001} max={1} disabled={disabled} disabledReason={PAUSE} onCommit={(factor) => setSchedule({ ...schedule, factor })} />
        </>
      )}
      {schedule.kind === 'cosine' && (
        <NumberField label="floor" help="Final learning rate as a fraction of the initial one (0–1)" value={schedule.minFactor} min={0} max={1} disabled={disabled} disabledReason={PAUSE} onCommit={(minFactor) => setSchedule({ ...schedule, minFactor })} />
      )}
    </div>
  );
}

function LaneCard({ lane, canRemove, canDuplicate }: { lane: LaneConfig; canRemove: boolean; canDuplicate: boolean }) {
  const playing = useApp((s) => s.status.playing);
  const disabled = playing;
  return (
    <article className="lane" style={{ borderLeftColor: lane.color }} data-testid={`lane-${lane.id}`} aria-label={`lane ${lane.name}`}>
      <div className="lane-head">
        <span className="swatch" style={{ background: lane.color }} aria-hidden />
        <TextField label="name" help="A name for this lane (shown in the charts)" value={lane.name} disabled={disabled} disabledReason={PAUSE}
          parse={(t) => (t.trim().length === 0 ? 'a name is needed' : t.length > 40 ? 'at most 40 characters' : null)} onCommit={(name) => void updateLane(lane.id, { name: name.trim() })} />
        <div className="lane-buttons">
          <button type="button" onClick={() => void duplicateLane(lane.id)} disabled={disabled || !canDuplicate} title={canDuplicate ? 'Duplicate: a copy with the same weights, optimizer state and history, forked at this step' : `At most ${MAX_LANES} lanes`} aria-label={`Duplicate ${lane.name}`}>
            <CopyIcon />
          </button>
          <button type="button" onClick={() => void removeLane(lane.id)} disabled={disabled || !canRemove} title={canRemove ? 'Remove this lane' : 'The last lane cannot be removed'} aria-label={`Remove ${lane.name}`}>
            <CloseIcon />
          </button>
        </div>
      </div>
      <SelectField<OptimizerKind>
        label="optimizer"
        help={OPTIMIZERS[lane.optimizer.kind].description}
        value={lane.optimizer.kind}
        disabled={disabled}
        disabledReason={PAUSE}
        options={Object.values(OPTIMIZERS).map((o) => ({ value: o.kind, label: o.label, title: o.description }))}
        onChange={(kind) => void updateLane(lane.id, { optimizer: changeOptimizerKind(lane.optimizer, kind) })}
      />
      <OptimizerControls lane={lane} disabled={disabled} />
      <ScheduleControls lane={lane} disabled={disabled} />
      <LaneReadout laneId={lane.id} />
    </article>
  );
}

export function LanesPanel() {
  const lanes = useApp((s) => s.config.lanes);
  const step = useApp((s) => s.status.step);
  const playing = useApp((s) => s.status.playing);
  const canAdd = !playing && step === 0 && lanes.length < MAX_LANES;
  const addReason = playing ? PAUSE : step > 0 ? 'A new lane starts from the shared initial weights: reset to add one, or duplicate a lane to fork it at this step' : lanes.length >= MAX_LANES ? `At most ${MAX_LANES} lanes` : 'Add a lane that starts from the shared initial weights';
  return (
    <Panel title={`Lanes (${lanes.length})`} help="Each lane trains the same model from the same initial weights on the same batches, with its own optimizer" className="lanes-panel">
      <div className="lanes">
        {lanes.map((lane) => (
          <LaneCard key={lane.id} lane={lane} canRemove={lanes.length > 1} canDuplicate={lanes.length < MAX_LANES} />
        ))}
      </div>
      <button type="button" className="add-lane" onClick={() => void addLane()} disabled={!canAdd} title={addReason}>
        + add lane
      </button>
    </Panel>
  );
}
