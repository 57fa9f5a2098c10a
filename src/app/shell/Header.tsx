import { BACKENDS, type BackendRequest } from '../../engine/gpuProbe';
import { useApp } from '../training/store';
import { switchBackend } from './session';
import { pause, play, reset, setSpeed, stepOnce } from '../training/actions';
import { SelectField } from '../shared/ui/controls';
import { PauseIcon, PlayIcon, ResetIcon, StepIcon } from '../shared/ui/icons';

const SPEEDS: Array<{ value: string; label: string }> = [
  { value: 'max', label: 'as fast as possible' },
  { value: '50', label: '50 steps/s' },
  { value: '20', label: '20 steps/s' },
  { value: '10', label: '10 steps/s' },
  { value: '5', label: '5 steps/s' },
  { value: '2', label: '2 steps/s' },
  { value: '1', label: '1 step/s' },
];

function Transport() {
  const status = useApp((s) => s.status);
  const ready = useApp((s) => s.phase === 'ready' && s.summary !== null);
  const speed = useApp((s) => s.speed);
  const stepsPerEpoch = useApp((s) => s.summary?.stepsPerEpoch ?? 0);
  const epochs = useApp((s) => s.config.epochs);
  return (
    <div className="transport">
      <button
        type="button"
        className="round small"
        onClick={() => void reset()}
        disabled={!ready}
        title="Reset: every lane back to the same initial weights, step 0 (keeps all settings)"
        aria-label="Reset"
      >
        <ResetIcon />
      </button>
      <button
        type="button"
        className="round big"
        data-testid="play"
        onClick={() => void (status.playing ? pause() : play())}
        disabled={!ready || (status.finished && !status.playing)}
        title={
          status.finished
            ? 'Training finished: reset, or raise the number of epochs'
            : status.playing
              ? 'Pause (Space)'
              : 'Train all lanes in lockstep (Space)'
        }
        aria-label={status.playing ? 'Pause' : 'Play'}
      >
        {status.playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <button
        type="button"
        className="round small"
        onClick={() => void stepOnce()}
        disabled={!ready || status.playing || status.finished}
        title="One training step for every lane (→)"
        aria-label="Step"
      >
        <StepIcon />
      </button>
      <div
        className="counter"
        title={
          'Training steps done by every lane, and epochs over the training split; steps/s is the whole comparison ' +
          "(all lanes advance together, one step each), a lane's st/s its own share of the time"
        }
      >
        <div className="counter-label">step</div>
        <div className="counter-value" data-testid="step">
          {status.step.toLocaleString('en-US')}
        </div>
        <div className="counter-sub">
          epoch {stepsPerEpoch ? (status.step / stepsPerEpoch).toFixed(2) : '0'} / {epochs}
          {status.playing && status.stepsPerSecond > 0 ? ` · ${status.stepsPerSecond.toFixed(1)} steps/s` : ''}
          {status.finished && !status.playing ? ' · finished' : ''}
          {status.measuring && !status.playing ? ' · measuring' : ''}
        </div>
      </div>
      <SelectField
        label="speed"
        help="Cap the training speed to watch slowly, or run as fast as the backend allows"
        value={speed === null ? 'max' : String(speed)}
        options={SPEEDS}
        onChange={(v) => void setSpeed(v === 'max' ? null : Number(v))}
      />
    </div>
  );
}

function BackendBadge() {
  const backend = useApp((s) => s.backend);
  const request = useApp((s) => s.backendRequest);
  const where = useApp((s) => s.engine?.where);
  const whereNote = useApp((s) => s.engine?.whereNote);
  const singleThread = backend?.name === 'wasm' && backend.threads === 1 && backend.threadNote ? [backend.threadNote] : [];
  const notes = backend ? [...backend.notes, ...singleThread, ...(whereNote ? [whereNote] : [])] : [];
  return (
    <div className="backend">
      <div className="backend-line">
        <span
          className={`backend-name ${backend?.software ? 'software' : ''}`}
          data-testid="backend-name"
          title="The TensorFlow.js backend the lanes train on"
        >
          {backend ? backend.name.toUpperCase() : 'starting…'}
        </span>
        {backend?.name === 'wasm' && (
          <span className="backend-threads" data-testid="backend-threads" title={backend.threadNote}>
            {backend.threads} {backend.threads === 1 ? 'thread' : 'threads'}
          </span>
        )}
        {backend && (
          <span
            className="backend-where"
            data-testid="backend-where"
            title={
              where === 'worker'
                ? 'Training runs in a Web Worker: the page stays responsive'
                : 'Training runs on the page, yielding to the browser between steps'
            }
          >
            {where === 'worker' ? 'in a Web Worker' : 'on the page'}
          </span>
        )}
        <SelectField<BackendRequest>
          label="backend"
          help="Force a backend (also ?backend=webgl in the URL). Switching restarts the lanes from step 0."
          value={request}
          options={[{ value: 'auto', label: 'auto (best)' }, ...BACKENDS.map((b) => ({ value: b, label: b }))]}
          onChange={(v) => void switchBackend(v)}
          testId="backend-select"
        />
      </div>
      {backend && (
        <div className="backend-adapter" data-testid="backend-adapter" title="The adapter or renderer reported by the browser">
          {backend.adapter}
        </div>
      )}
      {backend?.choice && (
        <div
          className="backend-adapter"
          data-testid="backend-choice"
          title="How auto picked the backend: training steps timed on each candidate"
        >
          {backend.choice.reason}
        </div>
      )}
      {notes.length > 0 && (
        <ul className="backend-notes" data-testid="backend-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Header() {
  return (
    <header className="header">
      <div className="brand">
        <h1>Flat Minima Playground</h1>
        <p>Train small networks on real data in your browser and watch optimizers side by side.</p>
      </div>
      <Transport />
      <BackendBadge />
    </header>
  );
}
