import { useMemo, useState } from 'react';
import type { AnalysisKind } from '../../engine/analyses/config';
import { useApp } from '../training/store';
import { Panel } from '../shared/ui/controls';
import { JobActions } from '../shared/ui/JobActions';
import { JobProgress } from '../shared/ui/JobProgress';
import { ComputedAt } from '../shared/ui/ComputedAt';
import { AnalysisSettingsRow } from './AnalysisSettingsRow';
import { ConnectivityView } from './ConnectivityView';
import { ConvexityView } from './ConvexityView';
import { EigenSlicesView } from './EigenSlicesView';
import { KINDS, kindOf } from './kinds';
import { LayersView } from './LayersView';
import { SharpnessView, type LaneRow } from './SharpnessView';
import { TrajectoryView } from './TrajectoryView';
import { downloadAnalysisCsv, downloadAnalysisVtp, hasVtp } from './downloads';
import { cancelAnalysis, computeAnalysis, useAnalyses, type AnalysisResults } from './store';

function KindChooser({ kind, disabled }: { kind: AnalysisKind; disabled: boolean }) {
  return (
    <div className="kind-chooser" role="tablist" aria-label="Analysis">
      {KINDS.map((k) => (
        <button
          key={k.id}
          type="button"
          role="tab"
          aria-selected={kind === k.id}
          className={kind === k.id ? 'small-button active' : 'small-button'}
          title={k.help}
          data-testid={`analysis-kind-${k.id}`}
          disabled={disabled && kind !== k.id}
          onClick={() => useAnalyses.setState({ kind: k.id })}
        >
          {k.title}
        </button>
      ))}
    </div>
  );
}

type PerLane = 'sharpness' | 'layers' | 'eigen-slices' | 'convexity';

function useLaneRows<K extends PerLane>(kind: K): Array<LaneRow<AnalysisResults[K][string]>> {
  const lanes = useApp((s) => s.config.lanes);
  const byLane = useAnalyses((s) => s.results[kind]);
  return useMemo(
    () =>
      lanes.flatMap((l) => (byLane[l.id] ? [{ name: l.name, color: l.color, result: byLane[l.id] as AnalysisResults[K][string] }] : [])),
    [lanes, byLane],
  );
}

/** The chosen kind's results, and the steps they were computed at (for the stale mark). */
function Results({ kind }: { kind: AnalysisKind }) {
  const lanes = useApp((s) => s.config.lanes);
  const sharpness = useLaneRows('sharpness');
  const layers = useLaneRows('layers');
  const eigen = useLaneRows('eigen-slices');
  const convexity = useLaneRows('convexity');
  const connectivity = useAnalyses((s) => s.results.connectivity);
  const trajectory = useAnalyses((s) => s.results.trajectory);
  const colorOf = (id: string) => lanes.find((l) => l.id === id)?.color ?? '#1a73e8';
  switch (kind) {
    case 'sharpness':
      return sharpness.length ? <SharpnessView rows={sharpness} /> : null;
    case 'layers':
      return layers.length ? <LayersView rows={layers} /> : null;
    case 'eigen-slices':
      return eigen.length ? <EigenSlicesView rows={eigen} /> : null;
    case 'convexity':
      return convexity.length ? <ConvexityView rows={convexity} /> : null;
    case 'connectivity':
      return connectivity ? (
        <ConnectivityView result={connectivity} colors={[colorOf(connectivity.from.laneId), colorOf(connectivity.to.laneId)]} />
      ) : null;
    case 'trajectory':
      return trajectory ? <TrajectoryView result={trajectory} colorOf={colorOf} /> : null;
  }
}

function resultSteps(results: AnalysisResults, kind: AnalysisKind): number[] {
  if (kind === 'connectivity') return results.connectivity ? [results.connectivity.step] : [];
  if (kind === 'trajectory') return results.trajectory ? [results.trajectory.step] : [];
  return Object.values(results[kind]).map((r) => r.step);
}

/** Analyses beyond curves, surfaces and spectra, one at a time: choose, set, run, read, download. */
export function AnalysesPanel() {
  const lanes = useApp((s) => s.config.lanes);
  const ready = useApp((s) => s.phase === 'ready' && s.summary !== null);
  const kind = useAnalyses((s) => s.kind);
  const running = useAnalyses((s) => s.running);
  const progress = useAnalyses((s) => s.progress);
  const results = useAnalyses((s) => s.results);
  const resultsRun = useAnalyses((s) => s.resultsRun[kind]);
  const [open, setOpen] = useState(true);
  const descriptor = kindOf(kind);
  const steps = resultSteps(results, kind);
  return (
    <Panel
      title="More analyses"
      help={
        'Sharpness measures, per-layer curvature, slices along Hessian eigenvectors, mode connectivity between lanes, ' +
        "the lanes' trajectories on one plane, and the convexity map — for every lane from the same start"
      }
      className="analyses-panel"
    >
      <KindChooser kind={kind} disabled={running !== null} />
      <p className="kind-help" data-testid="analysis-help">
        {descriptor.help}
      </p>
      <JobActions
        label={`Run ${descriptor.title.toLowerCase()}`}
        testId="analysis"
        ready={ready}
        running={running !== null}
        onCompute={() => void computeAnalysis()}
        onCancel={() => void cancelAnalysis()}
        computeTitle="Analyse the chosen lanes' weights now (training may go on meanwhile)"
        cancelTitle="Stop; what was computed so far is kept"
        open={open}
        onToggle={() => setOpen(!open)}
      >
        <button
          type="button"
          className="small-button"
          onClick={() => downloadAnalysisCsv(kind)}
          data-testid="analysis-csv"
          title="Download these results as CSV"
        >
          CSV
        </button>
        {hasVtp(kind) && (
          <button
            type="button"
            className="small-button"
            onClick={() => downloadAnalysisVtp(kind)}
            data-testid="analysis-vtp"
            title="Download the plane's loss surface and the paths on it as VTK PolyData (.vtp) for ParaView"
          >
            VTP
          </button>
        )}
        <JobProgress running={running !== null} progress={progress} label="Analysis progress" testId="analysis-progress" />
      </JobActions>
      {open && <AnalysisSettingsRow kind={kind} lanes={lanes} />}
      {steps.length > 0 && (
        <div className="landscape-results" data-testid={`analysis-results-${kind}`}>
          <ComputedAt
            steps={steps}
            run={resultsRun}
            what={`${descriptor.title} results`}
            testId="analysis-stale"
            onRecompute={running === null && ready ? () => void computeAnalysis() : undefined}
          />
          <Results kind={kind} />
        </div>
      )}
    </Panel>
  );
}
