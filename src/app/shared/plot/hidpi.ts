import { useEffect, useState, type RefObject } from 'react';

/** Sizes a canvas for the device pixel ratio and returns a cleared context drawing in CSS pixels. */
export function hiDpiContext(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssWidth * dpr));
  const h = Math.max(1, Math.round(cssHeight * dpr));
  // Assigning the size clears and reallocates the canvas, so only do it when it changes.
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx?.clearRect(0, 0, cssWidth, cssHeight);
  return ctx;
}

/** The CSS width of the canvas's parent, following resizes; 0 before mounting. */
export function useHostWidth(canvasRef: RefObject<HTMLCanvasElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const host = canvasRef.current?.parentElement;
    if (!host) return;
    const observer = new ResizeObserver(() => setWidth(host.clientWidth));
    observer.observe(host);
    setWidth(host.clientWidth);
    return () => observer.disconnect();
  }, [canvasRef]);
  return width;
}
