import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { download } from '../../share/download';
import { colorBars, pngBytes, type ColorBar } from '../../share/pngExport';
import { notify } from '../../shell/messages';

/** Downloads the chart or view in `target` as a PNG at 2x, with its title (`name`) and legend. */
export function PngButton({ target, name }: { target: RefObject<HTMLElement | null>; name: string }) {
  return (
    <button
      type="button"
      className="png-button"
      title={`Download "${name}" as a PNG at twice its size`}
      aria-label={`Download ${name} as PNG`}
      onClick={async () => {
        const el = target.current;
        const bytes = el ? await pngBytes(el, 2, name) : null;
        if (bytes) download(`${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'plot'}.png`, bytes, 'image/png');
        else notify('error', `${name}: nothing is drawn yet`);
      }}
    >
      PNG
    </button>
  );
}

/** Wraps a view (three.js or canvas) with a PNG download button in its corner; the PNG carries `name` and the colour bar. */
export function WithPng({ name, colorBar, children }: { name: string; colorBar?: ColorBar; children: ReactNode }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (colorBar) colorBars.set(el, colorBar);
    else colorBars.delete(el);
  }, [colorBar]);
  return (
    <div className="png-host" ref={host} data-png-name={name}>
      <PngButton target={host} name={name} />
      {children}
    </div>
  );
}
