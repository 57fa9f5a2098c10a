import type { TrajectoryResult } from '../../engine/analyses/trajectory';
import { PlaneMap } from './PlaneMap';

const MB = 2 ** 20;

/** Every chosen lane's path on one PCA plane over the loss there. */
export function TrajectoryView({ result: r, colorOf }: { result: TrajectoryResult; colorOf(laneId: string): string }) {
  const paths = r.paths.map((p) => ({ label: p.label, color: colorOf(p.laneId), points: p.points }));
  const rec = r.recorder;
  return (
    <div className="trajectory" data-testid="trajectory-results">
      <p data-testid="trajectory-explained">
        PCA of {r.snapshots} snapshots of {r.paths.length} lanes, centred on{' '}
        {r.centre === 'mean' ? 'their mean final weights' : `${r.centre}'s final weights`}: explained variance{' '}
        <strong>{(r.explained[0] * 100).toFixed(1)}%</strong> (PC1) and <strong>{(r.explained[1] * 100).toFixed(1)}%</strong> (PC2).
      </p>
      <p className="muted">
        Snapshots every {rec.every} steps, {(rec.bytes / MB).toFixed(1)} MB of the {(rec.budgetBytes / MB).toFixed(0)} MB budget
        {rec.thinned ? '; the oldest were thinned to every second one to stay within it' : ''} · step {r.step} · {r.seconds.toFixed(1)} s
        {r.cancelled ? ' (cancelled)' : ''}
      </p>
      <div className="legend-row">
        {r.paths.map((p) => (
          <span key={p.laneId} className="legend-item">
            <span className="swatch-inline" style={{ background: colorOf(p.laneId) }} />
            {p.label}: steps {p.steps[0]}–{p.steps[p.steps.length - 1]}
          </span>
        ))}
      </div>
      <PlaneMap
        surface={r.surface}
        title="The lanes' paths on their shared PCA plane"
        tooltip={
          "Loss on the plane of the first two principal components of all lanes' weight snapshots (unit directions, " +
          'weight units; not filter-normalized); each path starts hollow and ends filled'
        }
        paths={paths}
        color={paths[0]?.color ?? '#1a73e8'}
        surface3d
      />
    </div>
  );
}
