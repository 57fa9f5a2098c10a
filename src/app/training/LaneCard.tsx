/** One lane: its name, colour and one-line description, its live read-out, its settings and its actions. */
import { useView } from '../shell/view';
import { useState } from 'react';
import { exportLaneWeights } from '../share/weightsActions';
import { methodGradEvals, type MethodConfig } from '../../engine/optim/methods';
import { type LaneConfig } from '../../engine/train/config';
import { MAX_LANES } from '../../engine/train/lanes';
import { useApp, type LaneSeries } from './store';
import { duplicateLane, removeLane, updateLane } from './actions';
import { TextField } from '../shared/ui/controls';
import { CloseIcon, CopyIcon } from '../shared/ui/icons';
import { describeLane } from '../../engine/train/describeLane';

import { BaseOptimizer, DeformationControls, MethodControls, PAUSE, SosControls } from './laneSettings';

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
      <span title="This lane's own steps per second (its compute alone); the header's steps/s is every lane together">
        {fmt(speed, 1)} st/s
      </span>
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

export function LaneCard({
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
  const allSettings = useView((v) => v.allSettings);
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
          {/* The simple view keeps a section the lane uses (a preset may turn it on). */}
          {(allSettings || lane.sos.enabled) && <SosControls lane={lane} disabled={disabled} features={features} />}
          {(allSettings || lane.deformation.kind !== 'none') && <DeformationControls lane={lane} disabled={disabled} />}
          {!allSettings && <p className="muted simple-note">schedules, SOS and deformations: tick “all settings”</p>}
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
        <button
          type="button"
          className="link-button"
          onClick={() => void exportLaneWeights(lane.id, 'onnx')}
          title="ONNX (opset 17) for onnxruntime and most runtimes: input pixels p/255 [N, H, W, C], output the logits"
          aria-label={`Export the model of ${lane.name} as ONNX`}
          data-testid={`export-onnx-${lane.id}`}
        >
          ONNX
        </button>
      </div>
    </article>
  );
}
