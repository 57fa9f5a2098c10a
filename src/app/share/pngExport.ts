/**
 * PNG export of a chart or view at twice its CSS size. A view can register a renderer that draws
 * itself at that resolution (three.js views re-render at pixel ratio 2); otherwise the canvas's
 * own pixels are used, resampled if the screen's pixel ratio is below 2.
 */
type HighResRenderer = (scale: number) => HTMLCanvasElement | null;

const renderers = new WeakMap<Element, HighResRenderer>();

export function registerHighResRenderer(element: Element, render: HighResRenderer): () => void {
  renderers.set(element, render);
  return () => renderers.delete(element);
}

function registered(target: HTMLElement): HighResRenderer | null {
  for (const el of [target, ...Array.from(target.querySelectorAll('*'))]) {
    const r = renderers.get(el);
    if (r) return r;
  }
  return null;
}

export function canvasAtScale(target: HTMLElement, scale = 2): HTMLCanvasElement | null {
  const own = registered(target)?.(scale);
  if (own) return own;
  const source = target.querySelector('canvas');
  if (!source || source.width === 0) return null;
  const rect = source.getBoundingClientRect();
  const width = Math.round((rect.width || source.width) * scale);
  const height = Math.round((rect.height || source.height) * scale);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return out;
}

export async function pngBytes(target: HTMLElement, scale = 2): Promise<Uint8Array | null> {
  const canvas = canvasAtScale(target, scale);
  if (!canvas) return null;
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}
