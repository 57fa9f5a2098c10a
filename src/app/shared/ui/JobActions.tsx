import type { ReactNode } from 'react';

/**
 * The action bar of an analysis panel: compute, cancel, show or hide the settings, then the panel's
 * own downloads and progress (`children`).
 */
export function JobActions({
  label,
  testId,
  ready,
  running,
  onCompute,
  onCancel,
  computeTitle,
  cancelTitle,
  open,
  onToggle,
  children,
}: {
  label: string;
  /** Prefix of the buttons' test ids: `${testId}-compute`, `${testId}-cancel`. */
  testId: string;
  ready: boolean;
  running: boolean;
  onCompute(): void;
  onCancel(): void;
  computeTitle: string;
  cancelTitle: string;
  open: boolean;
  onToggle(): void;
  children?: ReactNode;
}) {
  return (
    <div className="landscape-actions">
      <button
        type="button"
        className="compute-button"
        data-testid={`${testId}-compute`}
        disabled={!ready || running}
        onClick={onCompute}
        title={computeTitle}
      >
        {label}
      </button>
      <button
        type="button"
        className="small-button"
        data-testid={`${testId}-cancel`}
        disabled={!running}
        onClick={onCancel}
        title={cancelTitle}
      >
        Cancel
      </button>
      <button type="button" className="small-button" onClick={onToggle} aria-expanded={open} title="Show or hide the settings">
        {open ? 'hide settings' : 'settings'}
      </button>
      {children}
    </div>
  );
}
