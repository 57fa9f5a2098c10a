/**
 * Whether tfjs's WASM backend can run its threaded build here, and if not, why: the sentence the
 * header shows beside the thread count. No tfjs import: the reasons are facts about the context.
 */
import type { BackendReport } from './gpuProbe';

export const ISOLATION_HEADERS = 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

/** Why WASM runs on one thread in this context, or null when threads are possible. */
export function singleThreadReason(context: BackendReport['context']): string | null {
  if (context === 'node')
    return (
      'WASM runs on one thread in Node: tfjs 4.22 turns threads off there (tensorflow/tfjs#3830), ' +
      'because its threaded build starts Web Workers from blob: URLs, which Node does not have'
    );
  if (context === 'page')
    return (
      "WASM runs on one thread when training is on the page: the page's Content-Security-Policy allows " +
      'no blob: workers, which WASM threads are'
    );
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) return `WASM runs on one thread: the page is not cross-origin isolated (the server must send ${ISOLATION_HEADERS})`;
  return null;
}
