import { useRef, useState } from 'react';
import { importLaneWeights } from '../share/weightsActions';
import { type LaneConfig } from '../../engine/train/config';
import { MAX_LANES } from '../../engine/train/lanes';
import { CIFAR_HOWTO, PRESETS, type Preset } from '../../engine/train/presets';
import { useApp } from './store';
import { addLane, applyPreset } from './actions';
import { Panel, SelectField } from '../shared/ui/controls';

import { LaneCard } from './LaneCard';
import { PAUSE } from './laneSettings';

function presetTitle(preset: Preset, present: ReadonlySet<string>): string {
  if (!preset.data || preset.data.datasetIds.some((id) => present.has(id))) return preset.description;
  return `${preset.description} Needs ${preset.data.datasetName}, not here yet: ${CIFAR_HOWTO}.`;
}

function Presets() {
  const playing = useApp((s) => s.status.playing);
  const ready = useApp((s) => s.phase === 'ready');
  const datasets = useApp((s) => s.datasets);
  const present = new Set(datasets.map((d) => d.id));
  return (
    <div className="presets" role="group" aria-label="Presets">
      <span
        className="label"
        title={
          "Set up the lanes of a paper's comparison in one click (restarts from step 0; " +
          'the dataset and model stay, except for a preset made for other data)'
        }
      >
        presets
      </span>
      {PRESETS.map((preset) => (
        <button
          key={preset.id}
          type="button"
          className="preset"
          disabled={playing || !ready}
          title={playing ? PAUSE : presetTitle(preset, present)}
          onClick={() => void applyPreset(preset.id)}
          data-testid={`preset-${preset.id}`}
        >
          {preset.label}
        </button>
      ))}
    </div>
  );
}

/** Restores weights from a .safetensors file (ours or a PyTorch state dict) or a TF.js pair into a new lane or over a lane. */
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
        title={
          disabled
            ? PAUSE
            : 'A .safetensors file (exported here, or a PyTorch state dict of an equivalent nn.Sequential), or model.json with weights.bin'
        }
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
  const canAdd = !playing && lanes.length < MAX_LANES;
  const addReason = playing
    ? PAUSE
    : lanes.length >= MAX_LANES
      ? `At most ${MAX_LANES} lanes`
      : step > 0
        ? `Add a lane that joins at step ${step} from the shared initial weights with a fresh optimizer, on the same ` +
          'batches from here on (duplicate a lane instead to fork it with its weights)'
        : 'Add a lane that starts from the shared initial weights';
  return (
    <Panel
      title={`Lanes (${lanes.length})`}
      help={
        'Each lane trains the same model from the same initial weights on the same batches, with its ' +
        'own optimizer: base optimizer + at most one method + optional SOS + optional deformation'
      }
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
