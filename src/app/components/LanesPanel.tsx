import { useRef, useState } from 'react';
import { exportLaneWeights, importLaneWeights } from '../weightsActions';
import {
  DEFORMATIONS,
  DEFORMATION_PRESETS,
  defaultDeformation,
  type Deformation,
  type DeformationKind,
} from '../../engine/optim/deformation';
import { allMethods, defaultMethod, methodGradEvals, methodOf, type MethodConfig, type MethodKind } from '../../engine/optim/methods';
import { OPTIMIZERS, changeOptimizerKind } from '../../engine/optim/optimizers';
import type { OptimizerConfig, OptimizerKind } from '../../engine/optim/optimizers';
import type { Schedule } from '../../engine/optim/schedule';
import { SOS_EVERY, SOS_SAMPLES } from '../../engine/optim/sos';
import { MAX_LANES, type LaneConfig } from '../../engine/train/config';
import { PRESETS } from '../../engine/train/presets';
import { addLane, applyPreset, duplicateLane, removeLane, shiftNow, updateLane, useApp, type LaneSeries } from '../store';
import { CheckboxField, NumberField, Panel, SelectField, TextField } from './controls';
import { DeformationPlot } from './DeformationPlot';
import { CloseIcon, CopyIcon } from './icons';
import { ParamControls } from './ParamControls';
import { describeLane } from '../../engine/train/describeLane';

const PAUSE = 'Pause to edit the lanes';

function latest(series: LaneSeries | undefined, metric: keyof LaneSeries): number | undefined {
  const s = series?.[metric];
  return s && s.values.length > 0 ? s.values[s.values.length - 1] : undefined;
}

function LaneReadout({ laneId, method }: { laneId: string; method: MethodConfig }) {
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
      <span title={`Gradient evaluations used so far (${methodGradEvals(method)} per step for this method)`}>{evals ?? 0} grads</span>
      <span title="Wall-clock seconds this lane has trained">{fmt(wall, 1)} s</span>
    </div>
  );
}

/** Shown once a lane's loss or weights stopped being finite: where, the last good loss, the likely cause. */
function DivergenceNote({ laneId }: { laneId: string }) {
  const divergence = useApp((s) => s.divergences[laneId]);
  if (!divergence) return null;
  return (
    <p className="lane-diverged" role="alert" data-testid={`lane-diverged-${laneId}`}>
      <strong>Diverged at step {divergence.step}</strong>
      {divergence.lastFiniteLoss !== null ? ` (last finite loss ${divergence.lastFiniteLoss.toPrecision(4)})` : ''}. Likely cause:{' '}
      {divergence.cause}. This lane stopped; the others go on. Reset to train it again.
    </p>
  );
}

function BaseOptimizer({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
  const entry = OPTIMIZERS[lane.optimizer.kind];
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
      <ScheduleControls lane={lane} disabled={disabled} />
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

function MethodControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
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

function SosControls({ lane, disabled, features }: { lane: LaneConfig; disabled: boolean; features: number }) {
  const { sos } = lane;
  const [busy, setBusy] = useState(false);
  const tooMany = sos.samples >= features;
  return (
    <div className="lane-section">
      <div className="sos-line">
        <CheckboxField
          label="SOS every s steps"
          help="Stochastic optimum shifting: replace the head W by the minimum-norm W* that keeps the logits of b2 training samples (the OS paper)."
          checked={sos.enabled}
          disabled={disabled}
          disabledReason={PAUSE}
          onChange={(enabled) => void updateLane(lane.id, { sos: { ...sos, enabled } })}
        />
        <button
          type="button"
          className="small-button"
          disabled={disabled || busy}
          title="Shift this lane's head once, now, on b2 samples, and report the head norm and the losses before and after (pauses training)"
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

function DeformationControls({ lane, disabled }: { lane: LaneConfig; disabled: boolean }) {
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

function LaneCard({
  lane,
  canRemove,
  canDuplicate,
  startOpen,
}: {
  lane: LaneConfig;
  canRemove: boolean;
  canDuplicate: boolean;
  startOpen: boolean;
}) {
  const playing = useApp((s) => s.status.playing);
  const features = useApp((s) => s.summary?.featureSize ?? 0);
  const [open, setOpen] = useState(startOpen);
  const disabled = playing;
  return (
    <article className="lane" style={{ borderLeftColor: lane.color }} data-testid={`lane-${lane.id}`} aria-label={`lane ${lane.name}`}>
      <div className="lane-head">
        <span className="swatch" style={{ background: lane.color }} aria-hidden />
        <TextField
          label="name"
          help="A name for this lane (shown in the charts)"
          value={lane.name}
          disabled={disabled}
          disabledReason={PAUSE}
          parse={(t) => (t.trim().length === 0 ? 'a name is needed' : t.length > 40 ? 'at most 40 characters' : null)}
          onCommit={(name) => void updateLane(lane.id, { name: name.trim() })}
        />
        <div className="lane-buttons">
          <button
            type="button"
            onClick={() => void duplicateLane(lane.id)}
            disabled={disabled || !canDuplicate}
            title={
              canDuplicate
                ? 'Duplicate: a copy with the same weights, optimizer state and history, forked at this step'
                : `At most ${MAX_LANES} lanes`
            }
            aria-label={`Duplicate ${lane.name}`}
          >
            <CopyIcon />
          </button>
          <button
            type="button"
            onClick={() => void removeLane(lane.id)}
            disabled={disabled || !canRemove}
            title={canRemove ? 'Remove this lane' : 'The last lane cannot be removed'}
            aria-label={`Remove ${lane.name}`}
          >
            <CloseIcon />
          </button>
        </div>
      </div>
      <button
        type="button"
        className="lane-summary"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title={open ? 'Hide the settings of this lane' : 'Show and edit the settings of this lane'}
      >
        <span aria-hidden>{open ? '▾' : '▸'}</span> {describeLane(lane)}
      </button>
      {open && (
        <div className="lane-editor">
          <BaseOptimizer lane={lane} disabled={disabled} />
          <MethodControls lane={lane} disabled={disabled} />
          <SosControls lane={lane} disabled={disabled} features={features} />
          <DeformationControls lane={lane} disabled={disabled} />
        </div>
      )}
      <LaneReadout laneId={lane.id} method={lane.method} />
      <DivergenceNote laneId={lane.id} />
      <div className="lane-exports">
        <span title="Download this lane's weights with their metadata (model, data, optimizer, seed, step)">weights:</span>
        <button
          type="button"
          className="link-button"
          onClick={() => void exportLaneWeights(lane.id, 'safetensors')}
          title="safetensors: PyTorch and the safetensors package read it (see README for the layer mapping)"
          aria-label={`Export the weights of ${lane.name} as safetensors`}
          data-testid={`export-st-${lane.id}`}
        >
          safetensors
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => void exportLaneWeights(lane.id, 'tfjs')}
          title="The TF.js format: model.json + weights.bin"
          aria-label={`Export the weights of ${lane.name} for TF.js`}
          data-testid={`export-tfjs-${lane.id}`}
        >
          TF.js
        </button>
      </div>
    </article>
  );
}

function Presets() {
  const playing = useApp((s) => s.status.playing);
  const ready = useApp((s) => s.phase === 'ready');
  return (
    <div className="presets" role="group" aria-label="Presets">
      <span
        className="label"
        title="Set up the lanes of a paper's comparison in one click (restarts from step 0; the dataset and model stay)"
      >
        presets
      </span>
      {PRESETS.map((preset) => (
        <button
          key={preset.id}
          type="button"
          className="preset"
          disabled={playing || !ready}
          title={playing ? PAUSE : preset.description}
          onClick={() => void applyPreset(preset.id)}
          data-testid={`preset-${preset.id}`}
        >
          {preset.label}
        </button>
      ))}
    </div>
  );
}

/** Restores weights from a .safetensors file or a TF.js pair into a new lane or over a lane. */
function ImportWeights({ lanes, disabled }: { lanes: LaneConfig[]; disabled: boolean }) {
  const [target, setTarget] = useState('new');
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="import-weights">
      <SelectField<string>
        label="import weights into"
        help="Where imported weights go: a new lane that joins at the current step, or over an existing lane (its optimizer starts afresh)"
        value={target}
        options={[{ value: 'new', label: 'a new lane' }, ...lanes.map((l) => ({ value: l.id, label: `${l.name} (replace)` }))]}
        onChange={setTarget}
      />
      <button
        type="button"
        className="small-button"
        disabled={disabled || (target === 'new' && lanes.length >= MAX_LANES)}
        title={disabled ? PAUSE : 'Choose a .safetensors file, or model.json together with weights.bin'}
        onClick={() => input.current?.click()}
        data-testid="import-weights"
      >
        weights file…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        multiple
        accept=".safetensors,.json,.bin"
        data-testid="import-weights-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          void importLaneWeights(files, target === 'new' ? null : target);
        }}
      />
    </div>
  );
}

export function LanesPanel() {
  const lanes = useApp((s) => s.config.lanes);
  const step = useApp((s) => s.status.step);
  const playing = useApp((s) => s.status.playing);
  const canAdd = !playing && step === 0 && lanes.length < MAX_LANES;
  const addReason = playing
    ? PAUSE
    : step > 0
      ? 'A new lane starts from the shared initial weights: reset to add one, or duplicate a lane to fork it at this step'
      : lanes.length >= MAX_LANES
        ? `At most ${MAX_LANES} lanes`
        : 'Add a lane that starts from the shared initial weights';
  return (
    <Panel
      title={`Lanes (${lanes.length})`}
      help="Each lane trains the same model from the same initial weights on the same batches, with its own optimizer: base optimizer + at most one method + optional SOS + optional deformation"
      className="lanes-panel"
    >
      <Presets />
      <div className="lanes">
        {lanes.map((lane) => (
          <LaneCard
            key={lane.id}
            lane={lane}
            canRemove={lanes.length > 1}
            canDuplicate={lanes.length < MAX_LANES}
            startOpen={lanes.length <= 3}
          />
        ))}
      </div>
      <button type="button" className="add-lane" onClick={() => void addLane()} disabled={!canAdd} title={addReason}>
        + add lane
      </button>
      <ImportWeights lanes={lanes} disabled={playing} />
    </Panel>
  );
}
