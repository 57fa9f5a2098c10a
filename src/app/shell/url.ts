import { parseBackendRequest, type BackendRequest } from '../../engine/gpuProbe';

export interface UrlOptions {
  backend: BackendRequest;
  useWorker: boolean;
  dataset: string | null;
  problems: string[];
}

/** Reads ?backend=webgpu|webgl|wasm|cpu|auto, ?worker=0 and ?dataset=<id>; unknown values are reported, not obeyed. */
export function readUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const backend = parseBackendRequest(params.get('backend'));
  if (backend.problem) problems.push(backend.problem);
  const worker = params.get('worker');
  if (worker !== null && worker !== '0' && worker !== '1')
    problems.push(`worker=${worker.slice(0, 20)} ignored; use worker=0 to train on the page`);
  const dataset = params.get('dataset');
  const datasetOk = dataset === null || /^[a-z0-9-]{1,64}$/.test(dataset);
  if (!datasetOk) problems.push('dataset name in the link ignored (letters, digits and dashes only)');
  return { backend: backend.request, useWorker: worker !== '0', dataset: datasetOk ? dataset : null, problems };
}

export function setUrlParam(key: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  window.history.replaceState(null, '', url.toString());
}
