import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * One uPlot chart in a container: built from `options(width)` when `rebuildKey` changes (series,
 * axes, scales), resized with its container, fed new `data` without a rebuild, destroyed on
 * unmount. Returns the container's ref.
 */
export function useUPlot(
  options: (width: number) => uPlot.Options,
  data: uPlot.AlignedData,
  rebuildKey: string,
  size: { height: number; minWidth: number },
  enabled = true,
) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ options, data });
  latest.current = { options, data };

  useEffect(() => {
    const el = container.current;
    if (!el || !enabled) return;
    const width = () => Math.max(size.minWidth, el.clientWidth);
    const u = new uPlot(latest.current.options(width()), latest.current.data, el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: width(), height: size.height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [rebuildKey, enabled, size.height, size.minWidth]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return container;
}
