import type { BackendName } from '../../engine/gpuProbe';
import { useApp } from '../training/store';
import { continueOn } from './session';

const CHOICES: Array<{ backend: Exclude<BackendName, 'webgpu'>; label: string; help: string }> = [
  { backend: 'webgl', label: 'WebGL', help: 'The GPU through WebGL (a separate context from the lost WebGPU device)' },
  { backend: 'wasm', label: 'WASM', help: 'WebAssembly on the CPU: slower, but needs no GPU' },
  { backend: 'cpu', label: 'CPU', help: 'Plain JavaScript on the CPU: slowest, always there' },
];

/** Shown when the WebGPU device was lost: the metrics are kept; training resumes from the last checkpoint elsewhere. */
export function DeviceLostPanel() {
  const lost = useApp((s) => s.deviceLost);
  const gpu = useApp((s) => s.backend?.gpu);
  if (!lost) return null;
  const from = lost.checkpointStep ?? 0;
  return (
    <section className="device-lost" role="alertdialog" aria-labelledby="device-lost-title" data-testid="device-lost">
      <h2 id="device-lost-title">The GPU device was lost</h2>
      <p>
        WebGPU reported: <q>{lost.reason}</q>. Training stopped at step {lost.step}; every metric so far is kept. The lanes' last checkpoint
        is at step {from}: continue from there on another backend ({lost.step - from} step{lost.step - from === 1 ? '' : 's'} will be
        trained again).
      </p>
      <div className="row">
        {CHOICES.filter((c) => c.backend !== 'webgl' || gpu?.webgl.ok !== false).map((c) => (
          <button
            key={c.backend}
            type="button"
            className="small-button"
            title={c.help}
            onClick={() => void continueOn(c.backend)}
            data-testid={`continue-on-${c.backend}`}
          >
            Continue on {c.label}
          </button>
        ))}
      </div>
    </section>
  );
}
