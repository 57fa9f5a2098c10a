const UNAVAILABLE_TITLE = 'This browser could not create a WebGL context';

/** Hover read-out over a view; renders nothing while `text` is null. */
export function Readout({ className, title, text }: { className: string; title?: string; text: string | null }) {
  if (text === null) return null;
  return (
    <div className={className} role="status" title={title}>
      {text}
    </div>
  );
}

/** Shown in place of a 3D view when WebGL could not start. */
export function WebGLUnavailable({ className, show }: { className: string; show: boolean }) {
  if (!show) return null;
  return (
    <div className={className} title={UNAVAILABLE_TITLE}>
      3D view unavailable (WebGL could not start).
    </div>
  );
}
