import { Advanced } from '../shared/ui/AllSettings';
import { useRef, useState, type DragEvent } from 'react';
import type { UserDatasetKind } from '../../worker/api';
import { useApp } from './store';
import { importFiles, selectDataset, updateConfig } from './actions';
import { notify } from '../shell/messages';
import { NumberField, Panel, SelectField } from '../shared/ui/controls';
import { MAX_SEED } from '../../engine/validation';
import { CIFAR_HOWTO } from '../../engine/train/presets';

const RESTART_NOTE = 'Changing this restarts every lane from step 0';

function guessKind(files: File[]): UserDatasetKind | null {
  if (files.some((f) => /(data_batch_\d|test_batch)\.bin$|\.(tar\.gz|tgz|tar)$/i.test(f.name))) return 'cifar10';
  if (files.some((f) => /idx[13]-ubyte/i.test(f.name))) return 'mnist-idx';
  return null;
}

function Progress() {
  const progress = useApp((s) => s.loadProgress);
  if (!progress) return null;
  const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 0;
  return (
    <div className="progress" data-testid="load-progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label="Loading dataset shards"
      >
        <div style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress-text">
        {progress.shardsDone}/{progress.shardsTotal} shards · {(progress.bytesDone / 1e6).toFixed(1)} of{' '}
        {(progress.bytesTotal / 1e6).toFixed(1)} MB
        {progress.fromCache > 0 ? ` · ${progress.fromCache} from cache` : ''} · {progress.currentFile}
      </div>
    </div>
  );
}

/** Where CIFAR-10 comes from, while it is not here: no npm package ships it. */
function CifarHowTo() {
  const missing = useApp((s) => !s.datasets.some((d) => d.id === 'cifar10' || d.id === 'user-cifar10'));
  if (!missing) return null;
  return (
    <div className="cifar-howto" data-testid="cifar-howto" title={`CIFAR-10 is not on npm, so it is not built in: ${CIFAR_HOWTO}.`}>
      CIFAR-10: run <code>npm run data:cifar -- --download</code> and reload, or drop <code>cifar-10-binary.tar.gz</code> here
    </div>
  );
}

function OwnFiles() {
  const cifarInput = useRef<HTMLInputElement>(null);
  const idxInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const busy = useApp((s) => s.phase !== 'ready');
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = Array.from(e.dataTransfer.files);
    const kind = guessKind(files);
    if (!kind) {
      notify(
        'error',
        `not recognized: ${files.map((f) => f.name).join(', ')}. Drop CIFAR-10 binary files (data_batch_N.bin, ` +
          `test_batch.bin or cifar-10-binary.tar.gz) or MNIST IDX files`,
      );
      return;
    }
    void importFiles(kind, files);
  };
  return (
    <div
      className={`dropzone ${over ? 'over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      title="Your files are parsed in the browser, converted to verified shards and cached, so they survive a reload. Nothing is uploaded."
    >
      <div>Use your own files: drop them here, or</div>
      <div className="dropzone-buttons">
        <button
          type="button"
          disabled={busy}
          onClick={() => cifarInput.current?.click()}
          title="CIFAR-10 binary version: data_batch_1.bin … data_batch_5.bin and test_batch.bin, or cifar-10-binary.tar.gz"
        >
          CIFAR-10 files…
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => idxInput.current?.click()}
          title={
            'MNIST-format IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, ' +
            't10k-labels-idx1-ubyte (.gz or not)'
          }
        >
          MNIST IDX files…
        </button>
      </div>
      <CifarHowTo />
      <input
        ref={cifarInput}
        data-testid="cifar-input"
        type="file"
        multiple
        hidden
        accept=".bin,.gz,.tgz,.tar"
        onChange={(e) => {
          void importFiles('cifar10', Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      <input
        ref={idxInput}
        data-testid="idx-input"
        type="file"
        multiple
        hidden
        onChange={(e) => {
          void importFiles('mnist-idx', Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
    </div>
  );
}

function DatasetInfo() {
  const dataset = useApp((s) => s.dataset);
  if (!dataset) return null;
  const [h, w, c] = dataset.shape;
  const norm = dataset.normalization;
  return (
    <>
      <dl className="dataset-info" data-testid="dataset-info">
        <dt title="Samples in each split">splits</dt>
        <dd>
          {dataset.trainCount.toLocaleString('en-US')} train · {dataset.testCount.toLocaleString('en-US')} test
        </dd>
        <dt title="Image height × width × channels, and classes">shape</dt>
        <dd>
          {h}×{w}×{c}, {dataset.classNames.length} classes
        </dd>
        <dt title="Each pixel becomes (p/255 − mean) / std per channel; mean and std are those of the training split">normalization</dt>
        <dd>
          mean {norm.mean.map((m) => m.toFixed(4)).join(', ')} · std {norm.std.map((s) => s.toFixed(4)).join(', ')}
        </dd>
      </dl>
      <details className="provenance">
        <summary title="Where the images come from, how the splits were made, and the licence">provenance and licence</summary>
        <dl className="dataset-info">
          <dt>split</dt>
          <dd>{dataset.splitNote}</dd>
          <dt>source</dt>
          <dd>{dataset.source}</dd>
          <dt>licence</dt>
          <dd>{dataset.license}</dd>
        </dl>
      </details>
    </>
  );
}

export function DataPanel() {
  const datasets = useApp((s) => s.datasets);
  const config = useApp((s) => s.config);
  const playing = useApp((s) => s.status.playing);
  const phase = useApp((s) => s.phase);
  const trainCount = useApp((s) => s.dataset?.trainCount ?? 60000);
  const locked = playing || phase !== 'ready';
  const lockReason = playing ? 'Pause to change this' : 'Wait until the dataset is loaded';
  return (
    <Panel title="Data" help="The dataset every lane trains on, and how batches are drawn">
      <SelectField
        label="dataset"
        help="Real images, loaded as verified shards and cached by the browser"
        value={config.datasetId}
        options={datasets.map((d) => ({ value: d.id, label: d.title + (d.origin === 'user' ? ' (yours)' : '') }))}
        disabled={locked}
        disabledReason={lockReason}
        onChange={(id) => void selectDataset(id)}
        testId="dataset-select"
      />
      <Progress />
      <DatasetInfo />
      <OwnFiles />
      <div className="row">
        <NumberField
          label="batch size"
          help={`Samples per training step, the same batches for every lane. ${RESTART_NOTE}.`}
          value={config.batchSize}
          min={1}
          max={Math.min(4096, trainCount)}
          integer
          disabled={locked}
          disabledReason={lockReason}
          onCommit={(batchSize) => void updateConfig({ batchSize })}
        />
        <Advanced>
          <NumberField
            label="train samples"
            help={
              `Train on this many samples of the training split, chosen by the seed (all ${trainCount.toLocaleString('en-US')} ` +
              `by default): fewer make quick studies. ${RESTART_NOTE}.`
            }
            value={config.trainSize ?? trainCount}
            min={Math.min(config.batchSize, trainCount)}
            max={trainCount}
            integer
            disabled={locked}
            disabledReason={lockReason}
            onCommit={(n) => void updateConfig({ trainSize: n >= trainCount ? undefined : n })}
          />
        </Advanced>
        <NumberField
          label="epochs"
          help="Passes over the training split; training stops after the last one"
          value={config.epochs}
          min={1}
          max={1000}
          integer
          disabled={playing}
          disabledReason="Pause to change this"
          onCommit={(epochs) => void updateConfig({ epochs })}
        />
        <NumberField
          label="seed"
          help={`Seeds the initial weights and the batch order: same seed, same backend, same numbers. ${RESTART_NOTE}.`}
          value={config.seed}
          min={0}
          max={MAX_SEED}
          integer
          disabled={locked}
          disabledReason={lockReason}
          onCommit={(seed) => void updateConfig({ seed })}
        />
      </div>
    </Panel>
  );
}
