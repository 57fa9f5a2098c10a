/** A lane's settings, section by section: base optimizer and schedule, method, SOS, deformation. */
import { useState } from 'react';
import { useView } from '../shell/view';
import {
  DEFORMATIONS,
  DEFORMATION_PRESETS,
  defaultDeformation,
  type Deformation,
  type DeformationKind,
} from '../../engine/optim/deformation';
import { allMethods, defaultMethod, methodOf, type MethodConfig, type MethodKind } from '../../engine/optim/methods';
import { OPTIMIZERS, changeOptimizerKind } from '../../engine/optim/optimizers';
import type { OptimizerConfig, OptimizerKind } from '../../engine/optim/optimizers';
import type { Schedule } from '../../engine/optim/schedule';
import { SOS_EVERY, SOS_SAMPLES } from '../../engine/optim/sos';
import { type LaneConfig } from '../../engine/train/config';
import { shiftNow, updateLane } from './actions';
import { CheckboxField, NumberField, SelectField, TextField } from '../shared/ui/controls';
import { DeformationPlot } from '../shared/plot/DeformationPlot';
import { ParamControls } from '../shared/ui/ParamControls';

export const PAUSE = 'Pause to edit the lanes';

export function BaseOptimizer({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const entry = OPTIMIZERS[lane.optimizer.kind];
  const allSettings = useView((v) => v.allSettings);
  return (
    <>
      <SelectField<OptimizerKind>
        label="base optimizer"
        help={entry.help}
        value={lane.optimizer.kind}
        disabled={disabled}
        disabledReason={PAUSE}
        options={Object.values(OPTIMIZERS).map((o) => ({ value: o.kind as OptimizerKind, label: o.label, title: o.help }))}
        onChange={(kind) => void updateLane(lane.id, { optimizer: changeOptimizerKind(lane.optimizer, kind) })}
      />
      <ParamControls
        controls={entry.controls}
        values={lane.optimizer}
        disabled={disabled}
        disabledReason={PAUSE}
        onChange={(key, value) => void updateLane(lane.id, { optimizer: { ...lane.optimizer, [key]: value } as OptimizerConfig })}
      />
      {(allSettings || lane.schedule.kind !== 'constant') && <ScheduleControls lane={lane} disabled={disabled} />}
    </>
  );
}

function parseMilestones(text: string): string | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 20) return 'at most 20 milestones';
  for (const p of parts) if (!/^\d+$/.test(p) || Number(p) < 1) return `"${p}" is not an epoch number ≥ 1`;
  return null;
}

export function ScheduleControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
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
        options={[
          { value: 'constant', label: 'constant' },
          { value: 'step', label: 'step' },
          { value: 'cosine', label: 'cosine' },
        ]}
        onChange={(kind) =>
          setSchedule(kind === 'step' ? { kind, milestones: [2, 4], factor: 0.1 } : kind === 'cosine' ? { kind, minFactor: 0 } : { kind })
        }
      />
      {schedule.kind === 'step' && (
        <>
          <TextField
            label="milestones"
            help="Epochs at which the learning rate is multiplied by the factor, e.g. 2, 4"
            value={schedule.milestones.join(', ')}
            disabled={disabled}
            disabledReason={PAUSE}
            parse={parseMilestones}
            onCommit={(t) =>
              setSchedule({
                ...schedule,
                milestones: t
                  .split(',')
                  .map((p) => p.trim())
                  .filter(Boolean)
                  .map(Number),
              })
            }
          />
          <NumberField
            label="factor"
            help="Multiplier applied at each milestone"
            value={schedule.factor}
            min={0}
            exclusiveMin
            max={1}
            disabled={disabled}
            disabledReason={PAUSE}
            onCommit={(factor) => setSchedule({ ...schedule, factor })}
          />
        </>
      )}
      {schedule.kind === 'cosine' && (
        <NumberField
          label="floor"
          help="Final learning rate as a fraction of the initial one"
          value={schedule.minFactor}
          min={0}
          max={1}
          disabled={disabled}
          disabledReason={PAUSE}
          onCommit={(minFactor) => setSchedule({ ...schedule, minFactor })}
        />
      )}
    </div>
  );
}

export function MethodControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const entry = methodOf(lane.method.kind);
  return (
    <div className="lane-section">
      <SelectField<MethodKind>
        label="flat-minima method"
        help={`${entry.help} At most one method per lane; SOS and a deformation combine with any.`}
        value={lane.method.kind}
        disabled={disabled}
        disabledReason={PAUSE}
        options={allMethods().map((m) => ({
          value: m.kind as MethodKind,
          label: `${m.label}${m.kind === 'none' ? '' : ` (${m.gradEvals(defaultMethod(m.kind))}× grads)`}`,
          title: m.help,
        }))}
        onChange={(kind) => void updateLane(lane.id, { method: defaultMethod(kind) })}
        testId={`method-${lane.id}`}
      />
      <ParamControls
        controls={entry.controls}
        values={lane.method}
        disabled={disabled}
        disabledReason={PAUSE}
        onChange={(key, value) => void updateLane(lane.id, { method: { ...lane.method, [key]: value } as MethodConfig })}
      />
    </div>
  );
}

export function SosControls({ lane, disabled, features }: { lane: LaneConfig; disabled: boolean; features: number }) {
  const { sos } = lane;
  const [busy, setBusy] = useState(false);
  const tooMany = sos.samples >= features;
  return (
    <div className="lane-section">
      <div className="sos-line">
        <CheckboxField
          label="SOS every s steps"
          help={
            'Stochastic optimum shifting: replace the head W by the minimum-norm W* that keeps the logits ' +
            'of b2 training samples (the OS paper).'
          }
          checked={sos.enabled}
          disabled={disabled}
          disabledReason={PAUSE}
          onChange={(enabled) => void updateLane(lane.id, { sos: { ...sos, enabled } })}
        />
        <button
          type="button"
          className="small-button"
          disabled={disabled || busy}
          title={
            "Shift this lane's head once, now, on b2 samples, and report the head norm and the losses before " +
            'and after (pauses training)'
          }
          onClick={async () => {
            setBusy(true);
            await shiftNow(lane.id, sos.samples);
            setBusy(false);
          }}
        >
          {busy ? 'shifting…' : 'shift now'}
        </button>
      </div>
      {sos.enabled && (
        <div className="row">
          <NumberField
            label={SOS_EVERY.label}
            help={SOS_EVERY.help}
            value={sos.every}
            min={SOS_EVERY.min}
            max={SOS_EVERY.max}
            integer
            disabled={disabled}
            disabledReason={PAUSE}
            onCommit={(every) => void updateLane(lane.id, { sos: { ...sos, every } })}
          />
          <NumberField
            label={SOS_SAMPLES.label}
            help={SOS_SAMPLES.help}
            value={sos.samples}
            min={SOS_SAMPLES.min}
            max={SOS_SAMPLES.max}
            integer
            disabled={disabled}
            disabledReason={PAUSE}
            onCommit={(samples) => void updateLane(lane.id, { sos: { ...sos, samples } })}
          />
        </div>
      )}
      {sos.enabled && tooMany && (
        <div className="note warning" role="note">
          b2 = {sos.samples} ≥ m = {features} features: a shift cannot change W (the system is not under-determined). Use fewer samples than
          features.
        </div>
      )}
    </div>
  );
}

export function DeformationControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const d = lane.deformation;
  const entry = DEFORMATIONS[d.kind];
  const presetLabel = DEFORMATION_PRESETS.find((p) => JSON.stringify(p.deformation) === JSON.stringify(d))?.label ?? 'custom';
  return (
    <div className="lane-section">
      <div className="row">
        <SelectField<DeformationKind>
          label="deformation"
          help="Minimize δ(ℓ) instead of ℓ: the optimizer receives δ′(ℓ)·∇ℓ, on top of any method (the deformation paper)."
          value={d.kind}
          disabled={disabled}
          disabledReason={PAUSE}
          options={(Object.keys(DEFORMATIONS) as DeformationKind[]).map((kind) => ({
            value: kind,
            label: DEFORMATIONS[kind].label,
            title: DEFORMATIONS[kind].help,
          }))}
          onChange={(kind) => void updateLane(lane.id, { deformation: defaultDeformation(kind) })}
        />
        {d.kind !== 'none' && (
          <SelectField
            label="paper preset"
            help="The coefficients used in the deformation paper"
            value={presetLabel}
            disabled={disabled}
            disabledReason={PAUSE}
            options={[
              { value: 'custom', label: 'custom' },
              ...DEFORMATION_PRESETS.filter((p) => p.deformation.kind === d.kind).map((p) => ({ value: p.label, label: p.label })),
            ]}
            onChange={(label) => {
              const preset = DEFORMATION_PRESETS.find((p) => p.label === label);
              if (preset) void updateLane(lane.id, { deformation: preset.deformation });
            }}
          />
        )}
      </div>
      {d.kind !== 'none' && (
        <>
          <ParamControls
            controls={entry.controls}
            values={d}
            disabled={disabled}
            disabledReason={PAUSE}
            onChange={(key, value) => void updateLane(lane.id, { deformation: { ...d, [key]: value } as Deformation })}
          />
          <DeformationPlot deformation={d} />
          {lane.optimizer.kind === 'adam' && (
            <div className="note" role="note">
              Adam divides by the running gradient scale, so it is nearly invariant to δ′(ℓ): a deformation mostly matters with SGD and
              momentum.
            </div>
          )}
        </>
      )}
    </div>
  );
}
