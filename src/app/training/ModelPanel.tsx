import { DEFAULT_CNN, DEFAULT_MLP, type ModelSpec, LOSSES, type LossKind } from '../../engine/model/spec';
import { useApp } from './store';
import { setCheckpointEvery } from '../shell/session';
import { updateConfig } from './actions';
import { NumberField, Panel, SelectField, TextField } from '../shared/ui/controls';
import { Advanced } from '../shared/ui/AllSettings';

function parseWidths(text: string): string | null {
  if (text.trim() === '') return null;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 6) return 'at most 6 hidden layers';
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 4096) return `"${p}" is not a width between 1 and 4096`;
  }
  return null;
}

function widthsOf(text: string): number[] {
  return text.trim() === '' ? [] : text.split(',').map((p) => Number(p.trim()));
}

export function ModelPanel() {
  const model = useApp((s) => s.config.model);
  const config = useApp((s) => s.config);
  const summary = useApp((s) => s.summary);
  const playing = useApp((s) => s.status.playing);
  const phase = useApp((s) => s.phase);
  const testCount = useApp((s) => s.dataset?.testCount ?? 10000);
  const checkpointEvery = useApp((s) => s.checkpointEvery);
  const checkpointStep = useApp((s) => s.status.checkpointStep);
  const locked = playing || phase !== 'ready';
  const reason = playing ? 'Pause to change this' : 'Wait until the dataset is loaded';
  const setModel = (next: ModelSpec) => void updateConfig({ model: next });
  return (
    <Panel title="Model" help="The network every lane trains, from the same initial weights">
      <SelectField
        label="architecture"
        help={
          'MLP: ReLU dense layers. CNN: two conv-ReLU-maxpool blocks, a ReLU dense layer. Both end in ' +
          'a linear head (the layer SOS and FAM act on). Changing it restarts every lane from step 0.'
        }
        value={model.kind}
        options={[
          { value: 'mlp', label: 'MLP' },
          { value: 'cnn', label: 'CNN' },
        ]}
        disabled={locked}
        disabledReason={reason}
        onChange={(kind) => setModel(kind === 'mlp' ? DEFAULT_MLP : DEFAULT_CNN)}
        testId="model-kind"
      />
      {model.kind === 'mlp' ? (
        <TextField
          label="hidden widths"
          help="Comma-separated widths of the ReLU layers, e.g. 128, 64 (empty: a linear model). Restarts every lane."
          value={model.hidden.join(', ')}
          placeholder="e.g. 128, 64"
          disabled={locked}
          disabledReason={reason}
          parse={parseWidths}
          onCommit={(text) => setModel({ kind: 'mlp', hidden: widthsOf(text) })}
        />
      ) : (
        <div className="row">
          <NumberField
            label="conv1 channels"
            help="Output channels of the first convolution"
            value={model.channels[0]}
            min={1}
            max={256}
            integer
            disabled={locked}
            disabledReason={reason}
            onCommit={(c) => setModel({ ...model, channels: [c, model.channels[1]] })}
          />
          <NumberField
            label="conv2 channels"
            help="Output channels of the second convolution"
            value={model.channels[1]}
            min={1}
            max={256}
            integer
            disabled={locked}
            disabledReason={reason}
            onCommit={(c) => setModel({ ...model, channels: [model.channels[0], c] })}
          />
          <Advanced>
            <NumberField
              label="kernel"
              help="Convolution kernel size (square, 'same' padding)"
              value={model.kernelSize}
              min={1}
              max={7}
              integer
              disabled={locked}
              disabledReason={reason}
              onCommit={(k) => setModel({ ...model, kernelSize: k })}
            />
            <NumberField
              label="dense width"
              help="Width of the ReLU dense layer whose output feeds the head (the features)"
              value={model.dense}
              min={1}
              max={4096}
              integer
              disabled={locked}
              disabledReason={reason}
              onCommit={(d) => setModel({ ...model, dense: d })}
            />
          </Advanced>
        </div>
      )}
      <Advanced>
        <SelectField<LossKind>
          label="loss"
          help={
            'The training loss of every lane: softmax cross-entropy, or squared error ½‖z − y‖² on one-hot ' +
            "targets (FAM's κ has a closed form for both). Changing it restarts every lane."
          }
          value={config.loss}
          options={(Object.keys(LOSSES) as LossKind[]).map((k) => ({ value: k, label: LOSSES[k].label, title: LOSSES[k].help }))}
          disabled={locked}
          disabledReason={reason}
          onChange={(loss) => void updateConfig({ loss })}
        />
      </Advanced>
      <div
        className="param-count"
        data-testid="param-count"
        title="Trainable parameters of one lane, and the width m of the features feeding the head"
      >
        {summary
          ? `${summary.parameterCount.toLocaleString('en-US')} parameters · ${summary.featureSize} features ` +
            `· ${summary.stepsPerEpoch.toLocaleString('en-US')} steps per epoch`
          : '…'}
      </div>
      <Advanced>
        <h3>Measurements</h3>
        <div className="row">
          <NumberField
            label="log every"
            help="Training loss and accuracy are averaged over this many steps per chart point"
            value={config.logEvery}
            min={1}
            max={10000}
            integer
            disabled={playing}
            disabledReason="Pause to change this"
            onCommit={(logEvery) => void updateConfig({ logEvery })}
          />
          <NumberField
            label="test every"
            help="Evaluate every lane on the test samples every this many steps (and at step 0)"
            value={config.testEvery}
            min={1}
            max={100000}
            integer
            disabled={playing}
            disabledReason="Pause to change this"
            onCommit={(testEvery) => void updateConfig({ testEvery })}
          />
          <NumberField
            label="test samples"
            help="How many test samples (the first N of the test split) each evaluation uses"
            value={config.testSize}
            min={1}
            max={testCount}
            integer
            disabled={playing}
            disabledReason="Pause to change this"
            onCommit={(testSize) => void updateConfig({ testSize })}
          />
          <NumberField
            label="checkpoint every"
            help={
              `Every N steps the weights and optimizer states of all lanes are copied to memory; if the GPU ` +
              `is lost, training resumes from the last copy${checkpointStep !== null ? ` (now: step ${checkpointStep})` : ''}`
            }
            value={checkpointEvery}
            min={1}
            max={100000}
            integer
            disabled={playing}
            disabledReason="Pause to change this"
            onCommit={(n) => void setCheckpointEvery(n)}
          />
        </div>
      </Advanced>
    </Panel>
  );
}
