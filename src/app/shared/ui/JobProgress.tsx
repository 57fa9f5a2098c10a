import type { JobProgress } from '../../../worker/api';

export function formatSeconds(s: number): string {
  return s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(s < 10 ? 1 : 0)} s`;
}

/** Progress bar of a long computation with elapsed time and an ETA from the rate so far. */
export function JobProgress({
  running,
  progress,
  label,
  testId,
}: {
  running: boolean;
  progress: JobProgress | null;
  label: string;
  testId: string;
}) {
  if (!running) return null;
  const fraction = progress && progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const eta = progress && progress.done > 0 ? (progress.seconds / progress.done) * (progress.total - progress.done) : NaN;
  return (
    <div className="progress" data-testid={testId}>
      <div
        className="progress-bar"
        role="progressbar"
        aria-label={label}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="progress-text">
        {(fraction * 100).toFixed(0)}% · {progress ? formatSeconds(progress.seconds) : '0 s'} elapsed
        {Number.isFinite(eta) && eta > 0 ? ` · at most about ${formatSeconds(eta)} left` : ''}
      </div>
    </div>
  );
}
