import '../engine/noEval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useApp } from './training/store';
import { boot } from './shell/session';
import { useLandscape } from './landscape/store';
import { useHessian } from './hessian/store';
import { useAnalyses } from './analyses/store';
import { applyExperimentFromUrl } from './share/experimentActions';
import './styles.css';

declare global {
  interface Window {
    /** Read-only hooks for end-to-end tests and the curious: the state and where the engine runs. */
    __fmp?: {
      state: typeof useApp.getState;
      landscape: typeof useLandscape.getState;
      hessian: typeof useHessian.getState;
      analyses: typeof useAnalyses.getState;
      tfBackend(): Promise<string>;
      memory(): Promise<{ numTensors: number; numBytes: number }>;
      /** Destroys the engine's WebGPU device, as a driver reset would. */
      loseDevice(): Promise<void>;
    };
  }
}

window.__fmp = {
  state: useApp.getState,
  landscape: useLandscape.getState,
  hessian: useHessian.getState,
  analyses: useAnalyses.getState,
  tfBackend: async () => {
    const engine = useApp.getState().engine;
    if (!engine) throw new Error('the engine has not started');
    return engine.api.tfBackend();
  },
  memory: async () => {
    const engine = useApp.getState().engine;
    if (!engine) throw new Error('the engine has not started');
    return engine.api.memory();
  },
  loseDevice: async () => {
    const engine = useApp.getState().engine;
    if (!engine) throw new Error('the engine has not started');
    return engine.api.loseDevice();
  },
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void boot().then(applyExperimentFromUrl);
