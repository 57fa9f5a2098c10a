import type { AnalysisKind } from '../../engine/analyses/config';
import {
  connectivityCsv,
  connectivityPathsVtp,
  convexityCsv,
  eigenSlicesCsv,
  layersCsv,
  sharpnessCsv,
  trajectoryCsv,
  trajectoryPathsVtp,
} from '../../engine/io/exports/analyses';
import { surfaceVtp } from '../../engine/io/exports/vtp';
import { download } from '../share/download';
import { notify } from '../shell/messages';
import { useApp } from '../training/store';
import { useAnalyses } from './store';

/** The lanes' results of a per-lane kind in the lanes' order. */
function ordered<T>(byLane: Record<string, T>): T[] {
  return useApp
    .getState()
    .config.lanes.map((l) => byLane[l.id])
    .filter((r): r is T => r !== undefined);
}

/** The CSV of the current results of `kind` (nothing to download: a message says so). */
export function downloadAnalysisCsv(kind: AnalysisKind): void {
  const { results } = useAnalyses.getState();
  let text: string | null = null;
  if (kind === 'sharpness' && ordered(results.sharpness).length) text = sharpnessCsv(ordered(results.sharpness));
  else if (kind === 'layers' && ordered(results.layers).length) text = layersCsv(ordered(results.layers));
  else if (kind === 'eigen-slices' && ordered(results['eigen-slices']).length) text = eigenSlicesCsv(ordered(results['eigen-slices']));
  else if (kind === 'convexity' && ordered(results.convexity).length) text = convexityCsv(ordered(results.convexity));
  else if (kind === 'connectivity' && results.connectivity) text = connectivityCsv(results.connectivity);
  else if (kind === 'trajectory' && results.trajectory) text = trajectoryCsv(results.trajectory);
  if (text === null) return notify('error', 'nothing to download yet: run the analysis first');
  download(`${kind}.csv`, text, 'text/csv');
}

/** Whether `kind` has a plane or paths to write as VTP. */
export function hasVtp(kind: AnalysisKind): boolean {
  const { results } = useAnalyses.getState();
  if (kind === 'connectivity') return results.connectivity?.plane?.surface != null;
  if (kind === 'trajectory') return results.trajectory !== null;
  if (kind === 'eigen-slices') return ordered(results['eigen-slices']).some((r) => r.surface !== null);
  return false;
}

/** The plane's surface and its paths as VTK files for ParaView. */
export function downloadAnalysisVtp(kind: AnalysisKind): void {
  const { results } = useAnalyses.getState();
  if (kind === 'connectivity' && results.connectivity?.plane?.surface) {
    download('connectivity-plane.vtp', surfaceVtp(results.connectivity.plane.surface), 'application/xml');
    download('connectivity-paths.vtp', connectivityPathsVtp(results.connectivity), 'application/xml');
  } else if (kind === 'trajectory' && results.trajectory) {
    if (results.trajectory.surface) download('trajectory-surface.vtp', surfaceVtp(results.trajectory.surface), 'application/xml');
    download('trajectory-paths.vtp', trajectoryPathsVtp(results.trajectory), 'application/xml');
  } else if (kind === 'eigen-slices') {
    for (const r of ordered(results['eigen-slices']))
      if (r.surface) download(`eigen-surface-${r.laneId}.vtp`, surfaceVtp(r.surface), 'application/xml');
  } else notify('error', 'nothing to download yet: run the analysis first');
}
