import type { InputFile } from '../../engine/data/files';
import { freshLaneColor, makeLane } from '../../engine/train/config';
import { defaultOptimizerConfig } from '../../engine/optim/optimizers';
import type { WeightsFormat } from '../../worker/api';
import { download } from './download';
import { useApp } from '../training/store';
import { notify } from '../shell/messages';
import { errorMessage } from '../../engine/errors';

/** Downloads a lane's weights (one .safetensors file, or TF.js model.json + weights.bin). */
export async function exportLaneWeights(laneId: string, format: WeightsFormat): Promise<void> {
  const engine = useApp.getState().engine;
  if (!engine) return;
  try {
    const files = await engine.api.exportWeights(laneId, format);
    for (const f of files) download(f.name, f.bytes, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

/** Imports weights into a new lane (target null) or over a lane; the engine refuses mismatches, changing nothing. */
export async function importLaneWeights(files: File[], target: string | null): Promise<void> {
  const { engine, config } = useApp.getState();
  if (!engine || files.length === 0) return;
  try {
    const inputs: InputFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    if (target === null) {
      let n = 1;
      while (config.lanes.some((l) => l.id === `lane${n}`)) n++;
      const name = files[0].name.replace(/\.(safetensors|json|bin)$/i, '').slice(0, 32) || 'imported';
      const lane = {
        ...makeLane(n - 1, defaultOptimizerConfig('sgd'), `${name} (imported)`.slice(0, 40)),
        id: `lane${n}`,
        color: freshLaneColor(config.lanes),
      };
      const summary = await engine.api.importWeights(inputs, { mode: 'new', lane });
      useApp.setState((s) => ({ summary: summary.comparison, config: { ...s.config, lanes: [...s.config.lanes, lane] } }));
      notify('info', `${lane.name}: ${summary.origin}; it joins the lanes at step ${summary.comparison.step} with a fresh SGD optimizer`);
    } else {
      const summary = await engine.api.importWeights(inputs, { mode: 'replace', laneId: target });
      useApp.setState({ summary: summary.comparison });
      const lane = config.lanes.find((l) => l.id === target);
      notify('info', `${lane?.name ?? target} now has the imported weights (${summary.origin}); its optimizer state starts afresh`);
    }
  } catch (error) {
    notify('error', `${errorMessage(error)} (nothing was changed)`);
  }
}
