import type { H5Module, H5Scratch } from '../../engine/io/exports/h5';
import { convexityH5, curveH5, surfaceH5, trajectoryH5 } from '../../engine/io/exports/h5';
import { useAnalyses } from '../analyses/store';
import { useLandscape } from '../landscape/store';
import { laneNames, safeName } from './names';

let loading: Promise<H5Scratch> | null = null;

/** h5wasm's browser build (a 4 MB chunk, loaded on first use), writing in its in-memory file system. */
function scratch(): Promise<H5Scratch> {
  loading ??= (async () => {
    const h5wasm = (await import('h5wasm')).default;
    const module = await h5wasm.ready;
    return {
      h5: h5wasm as unknown as H5Module,
      path: '/export.h5',
      readBytes: (p: string) => module.FS.readFile(p) as Uint8Array,
      remove: (p: string) => module.FS.unlink(p),
    };
  })();
  return loading;
}

/** Every landscape on screen in the loss-landscape tool's .h5 layout (name → bytes). */
export async function landscapeH5Files(): Promise<Record<string, Uint8Array>> {
  const landscape = useLandscape.getState();
  const names = laneNames();
  const curves = Object.values(landscape.curves);
  const interpolations = Object.values(landscape.interpolations);
  const surfaces = Object.values(landscape.surfaces);
  if (curves.length + interpolations.length + surfaces.length === 0) return {};
  const s = await scratch();
  const files: Record<string, Uint8Array> = {};
  for (const c of curves) files[`curve-${safeName(names[c.key] ?? c.key)}.h5`] = curveH5(s, c, c.label);
  interpolations.forEach((c, i) => (files[`interpolation-${i + 1}.h5`] = curveH5(s, c, c.label)));
  for (const surface of surfaces) {
    const name = names[surface.laneId] ?? surface.laneId;
    files[`surface-${safeName(name)}.h5`] = surfaceH5(s, surface, name);
  }
  return files;
}

/** The analyses on screen in loss-landscape's .h5 layouts: convexity maps and the trajectory plane (name → bytes). */
export async function analysisH5Files(): Promise<Record<string, Uint8Array>> {
  const { convexity, trajectory } = useAnalyses.getState().results;
  const maps = Object.values(convexity);
  if (maps.length === 0 && !trajectory) return {};
  const s = await scratch();
  const names = laneNames();
  const files = Object.fromEntries(maps.map((m) => [`convexity-${m.laneId}.h5`, convexityH5(s, m, names[m.laneId] ?? m.laneId)]));
  return trajectory ? { ...files, ...trajectoryH5(s, trajectory) } : files;
}
