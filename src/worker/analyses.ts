/**
 * Landscape and Hessian jobs on snapshots of the lanes' weights: checked against the device's
 * memory first, results streamed as events, one job of each kind at a time, training going on.
 */
import { analyseHessian, hessianBudget } from '../engine/hessian/analysis';
import { hessianRequestSchema } from '../engine/hessian/config';
import { landscapeRequestSchema } from '../engine/landscape/config';
import { gradientChunkSize, evaluationChunkSize } from '../engine/model/chunks';
import { landscapeWork, lanesOf, runLandscape } from '../engine/landscape/job';
import { checkEvaluationFits, checkLanczosFits } from '../engine/memory';
import type { Trainer } from '../engine/train/trainer';
import { parse } from '../engine/validation';
import { analysisRequestSchema, type AnalysisRequest } from '../engine/analyses/config';
import { analysisLanes, analysisWork, runAnalysis } from '../engine/analyses/run';
import type { EngineEvent, JobOutcome } from './api';
import { JobRunner } from './jobs';
import type { Mutex } from './mutex';

export class Analyses {
  private readonly landscapes: JobRunner;
  private readonly hessians: JobRunner;
  private readonly others: JobRunner;

  constructor(
    private readonly mutex: Mutex,
    private readonly trainer: () => Trainer,
    private readonly emit: (event: EngineEvent) => void,
  ) {
    this.landscapes = new JobRunner(
      mutex,
      (progress) => emit({ type: 'landscape-progress', progress }),
      'a landscape is being computed: wait for it or cancel it first',
    );
    this.hessians = new JobRunner(
      mutex,
      (progress) => emit({ type: 'hessian-progress', progress }),
      'a Hessian analysis is running: wait for it or cancel it first',
    );
    this.others = new JobRunner(
      mutex,
      (progress) => emit({ type: 'analysis-progress', progress }),
      'an analysis is running: wait for it or cancel it first',
    );
  }

  /** Sharpness measures, per-layer curvature, eigen-direction slices, mode connectivity, the trajectory plane or the convexity map. */
  analysis(raw: unknown): Promise<JobOutcome> {
    const request = parse(analysisRequestSchema, raw, 'analysis settings');
    return this.others.run(async (job) => {
      const inputs = await this.mutex.run(async () => {
        const trainer = this.trainer();
        const { comparison } = trainer;
        checkEvaluationFits(
          comparison.config.model,
          comparison.dataset.info,
          samplesOf(request),
          gradientChunkSize(comparison.model),
          'analysis',
          6,
        );
        const recorder = trainer.trajectories;
        return {
          snapshot: await comparison.snapshot(analysisLanes(request)),
          trajectories: recorder ? { of: (id: string) => recorder.snapshots(id), state: recorder.state() } : null,
        };
      });
      job.setTotal(analysisWork(inputs, request));
      await runAnalysis(inputs, request, job.control, (result, final) =>
        this.emit({ type: 'analysis-result', jobId: job.id, result, final }),
      );
    });
  }

  cancelAnalysis(): void {
    this.others.cancel();
  }

  /** Top eigenvalues, trace and density of each named lane's Hessian, one lane after the other. */
  hessian(raw: unknown): Promise<JobOutcome> {
    const { laneIds, settings } = parse(hessianRequestSchema, raw, 'Hessian settings');
    return this.hessians.run(async (job) => {
      const subjects = await this.mutex.run(async () => {
        const trainer = this.trainer();
        const { config, dataset, parameterCount, model } = trainer.comparison;
        const samples = Math.min(settings.samples, dataset.train.count);
        checkEvaluationFits(config.model, dataset.info, samples, gradientChunkSize(model), 'Hessian analysis', 6);
        checkLanczosFits(parameterCount, Math.max(settings.maxIterations, settings.density ? settings.densitySteps : 0) + settings.topK);
        return trainer.hessianSubjects(laneIds);
      });
      const each = hessianBudget(settings);
      job.setTotal(subjects.length * each);
      let before = 0;
      for (const subject of subjects) {
        if (job.control.cancelled()) break;
        const result = await analyseHessian(subject, settings, { ...job.control, progress: (hvps) => job.control.progress(before + hvps) });
        before += each;
        this.emit({ type: 'hessian-result', jobId: job.id, result });
      }
      job.control.progress(subjects.length * each);
    });
  }

  /** Curves, surfaces or an interpolation from a snapshot of the lanes' weights taken now. */
  landscape(raw: unknown): Promise<JobOutcome> {
    const request = parse(landscapeRequestSchema, raw, 'landscape settings');
    return this.landscapes.run(async (job) => {
      const snapshot = await this.mutex.run(() => {
        const { comparison } = this.trainer();
        const { settings } = request;
        const { train, test, info } = comparison.dataset;
        const samples = Math.min(settings.trainSamples, train.count) + Math.min(settings.testSamples, test.count);
        checkEvaluationFits(comparison.config.model, info, samples, evaluationChunkSize(comparison.model), 'landscape', 4);
        return comparison.snapshot(lanesOf(request));
      });
      job.setTotal(landscapeWork(snapshot, request));
      await runLandscape(snapshot, request, job.control, (update) => this.emit({ type: 'landscape-update', jobId: job.id, update }));
    });
  }

  cancelHessian(): void {
    this.hessians.cancel();
  }

  cancelLandscape(): void {
    this.landscapes.cancel();
  }

  cancelAll(): void {
    this.others.cancel();
    this.hessians.cancel();
    this.landscapes.cancel();
  }
}

/** The most training samples an analysis request evaluates at once (for the memory check). */
function samplesOf(request: AnalysisRequest): number {
  const s = request.settings;
  if (request.kind === 'connectivity') return Math.max(request.settings.evalSamples, request.settings.testSamples);
  return 'samples' in s ? s.samples : 1000;
}
