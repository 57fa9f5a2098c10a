import { ANALYSIS_KINDS, type AnalysisKind } from '../../engine/analyses/config';
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

/** The CSV of the current results of `kind`, or null before any. */
function csvOf(kind: AnalysisKind): string | null {
  const { results } = useAnalyses.getState();
  if (kind === 'sharpness' && ordered(results.sharpness).length) return sharpnessCsv(ordered(results.sharpness));
  if (kind === 'layers' && ordered(results.layers).length) return layersCsv(ordered(results.layers));
  if (kind === 'eigen-slices' && ordered(results['eigen-slices']).length) return eigenSlicesCsv(ordered(results['eigen-slices']));
  if (kind === 'convexity' && ordered(results.convexity).length) return convexityCsv(ordered(results.convexity));
  if (kind === 'connectivity' && results.connectivity) return connectivityCsv(results.connectivity);
  if (kind === 'trajectory' && results.trajectory) return trajectoryCsv(results.trajectory);
  return null;
}

/** The VTP files of `kind`'s planes and paths (name → text). */
function vtpOf(kind: AnalysisKind): Record<string, string> {
  const { results } = useAnalyses.getState();
  const files: Record<string, string> = {};
  if (kind === 'connectivity' && results.connectivity?.plane?.surface) {
    files['connectivity-plane.vtp'] = surfaceVtp(results.connectivity.plane.surface);
    files['connectivity-paths.vtp'] = connectivityPathsVtp(results.connectivity);
  } else if (kind === 'trajectory' && results.trajectory) {
    if (results.trajectory.surface) files['trajectory-surface.vtp'] = surfaceVtp(results.trajectory.surface);
    files['trajectory-paths.vtp'] = trajectoryPathsVtp(results.trajectory);
  } else if (kind === 'eigen-slices') {
    for (const r of ordered(results['eigen-slices'])) if (r.surface) files[`eigen-surface-${r.laneId}.vtp`] = surfaceVtp(r.surface);
  }
  return files;
}

/** Every analysis result there is, as the files the headless runner writes under analyses/ (for the report ZIP). */
export function analysisFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const kind of ANALYSIS_KINDS) {
    const csv = csvOf(kind);
    if (csv !== null) files[`${kind}.csv`] = csv;
    Object.assign(files, vtpOf(kind));
  }
  return files;
}

/** The CSV of the current results of `kind` (nothing to download: a message says so). */
export function downloadAnalysisCsv(kind: AnalysisKind): void {
  const text = csvOf(kind);
  if (text === null) return notify('error', 'nothing to download yet: run the analysis first');
  download(`${kind}.csv`, text, 'text/csv');
}

/** Whether `kind` has a plane or paths to write as VTP. */
export function hasVtp(kind: AnalysisKind): boolean {
  // Asked on every render of the panel: look at the results, do not build the files.
  const { results } = useAnalyses.getState();
  if (kind === 'connectivity') return results.connectivity?.plane?.surface != null;
  if (kind === 'trajectory') return results.trajectory !== null;
  if (kind === 'eigen-slices') return Object.values(results['eigen-slices']).some((r) => r.surface !== null);
  return false;
}

/** The plane's surface and its paths as VTK files for ParaView. */
export function downloadAnalysisVtp(kind: AnalysisKind): void {
  const files = Object.entries(vtpOf(kind));
  if (files.length === 0) return notify('error', 'nothing to download yet: run the analysis first');
  for (const [name, text] of files) download(name, text, 'application/xml');
}
