/** The `auto` backend request in the worker: timed at start-up and again for each new model, when there is a choice. */
import { chooseByMeasurement, describeWorkload, timingCandidates, type TimedWorkload } from '../engine/backendChoice';
import type { BackendName, BackendOptions, BackendReport, BackendTiming } from '../engine/gpuProbe';
import { DEFAULT_MLP } from '../engine/model/spec';
import type { ComparisonConfig } from '../engine/train/config';

/** What `auto` times at start-up: the default model on Fashion-MNIST's shape, batch 64. */
export const DEFAULT_WORKLOAD: TimedWorkload = { model: DEFAULT_MLP, inputShape: [28, 28, 1], classes: 10, batchSize: 64 };

export class AutoBackend {
  private started: BackendReport | null = null;
  private candidates: BackendName[] = [];
  private workload = '';
  /** Every timing so far, per candidates (the device) and workload: a model seen before is not timed again. */
  private readonly timings = new Map<string, BackendTiming[]>();

  /** Times the candidates on `workload` when there is more than one, and keeps the fastest. */
  async choose(started: BackendReport, workload: TimedWorkload, options: BackendOptions): Promise<BackendReport> {
    this.started = started;
    this.candidates = timingCandidates(started.gpu);
    this.workload = describeWorkload(workload);
    if (this.candidates.length < 2) {
      const reason = `auto chose ${started.name}: no hardware GPU here, nothing else worth timing`;
      return { ...started, choice: { timings: [], workload: this.workload, reason } };
    }
    const { report, choice } = await chooseByMeasurement(this.candidates, workload, options, this.timings);
    return { ...report, notes: [...started.notes.filter((n) => !/^(webgpu|webgl|wasm):/.test(n)), ...report.notes], choice };
  }

  /** For a new model under `auto` with a choice: the new report when it was timed, else null. Call with no tensors alive. */
  async rechoose(
    config: ComparisonConfig,
    info: { shape: [number, number, number]; classNames: string[] },
    options: BackendOptions,
  ): Promise<BackendReport | null> {
    if (!this.started || this.candidates.length < 2) return null;
    const workload: TimedWorkload = {
      model: config.model,
      inputShape: info.shape,
      classes: info.classNames.length,
      batchSize: config.batchSize,
    };
    if (describeWorkload(workload) === this.workload) return null;
    return this.choose(this.started, workload, options);
  }
}
