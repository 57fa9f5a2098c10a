/**
 * The step a result was computed at, and a stale mark with "recompute" when the lanes have moved on
 * since (or "from the previous run" when the comparison was rebuilt after it).
 */
import { useApp } from '../../training/store';

export function ComputedAt({
  steps,
  what,
  testId,
  onRecompute,
  run,
}: {
  /** The steps of the results shown (one per lane). */
  steps: number[];
  what: string;
  testId: string;
  onRecompute?: () => void;
  /** The run the results came from (the session's run counter at computation), if known. */
  run?: number;
}) {
  const current = useApp((s) => s.status.step);
  const currentRun = useApp((s) => s.runId);
  const distinct = [...new Set(steps)].sort((a, b) => a - b);
  if (distinct.length === 0) return null;
  const at = `step ${distinct.join(', ')}`;
  const previousRun = run !== undefined && run !== currentRun;
  const stale = previousRun || distinct.some((s) => s !== current);
  if (!stale) {
    return (
      <p className="computed-at" data-testid={testId} data-stale="false">
        {what} computed at {at}, the lanes' current weights.
      </p>
    );
  }
  return (
    <p className="stale-note" data-testid={testId} data-stale="true" role="status">
      <strong>Stale:</strong>{' '}
      {previousRun
        ? `${what} from the previous run (computed at ${at} before the lanes were rebuilt).`
        : `${what} computed at ${at}; the lanes are now at step ${current}.`}
      {onRecompute && (
        <>
          {' '}
          <button type="button" className="small-button" onClick={onRecompute} title="Compute again for the lanes' weights now">
            recompute
          </button>
        </>
      )}
    </p>
  );
}
