/**
 * The one typed boundary between the UI and the engine. The UI never touches tensors: it sends
 * plain configs and receives plain numbers. Implemented by EngineHost, which runs in a Web Worker
 * (through Comlink) or, when the chosen backend cannot run in a worker, on the page itself.
 */
import type { BackendOptions, BackendReport, BackendRequest } from '../engine/gpuProbe';
import type { DatasetEntry } from '../engine/data/registry';
import type { LoadProgress } from '../engine/data/loader';
import type { InputFile } from '../engine/data/files';
import type { Normalization } from '../engine/data/dataset';
import type { ComparisonConfig, LaneConfig } from '../engine/train/config';
import type { MetricPoint } from '../engine/train/metrics';
import type { ShiftReportWithHessian, TrainerSummary } from '../engine/train/trainer';
import type { Divergence } from '../engine/train/records';
import type { LandscapeRequest } from '../engine/landscape/config';
import type { LandscapeUpdate } from '../engine/landscape/job';
import type { HessianRequest, HessianResult, HessianSettings, HessianTracking } from '../engine/hessian/config';
import type { TrackedSlice } from '../engine/hessian/tracker';
import type { AnalysisRequest } from '../engine/analyses/config';
import type { AnalysisResult } from '../engine/analyses/run';

export interface DatasetSummary {
  id: string;
  title: string;
  shape: [number, number, number];
  classNames: string[];
  trainCount: number;
  testCount: number;
  normalization: Normalization;
  source: string;
  license: string;
  splitNote: string;
  fromCache: number;
  fetched: number;
}

export interface ComparisonSummary extends TrainerSummary {
  /** True when this configure call rebuilt the lanes from step 0 (charts start over). */
  rebuilt: boolean;
}

export interface RunStatus {
  playing: boolean;
  step: number;
  epoch: number;
  totalSteps: number;
  finished: boolean;
  /** Steps of the whole comparison (all lanes) per second over the last window. */
  stepsPerSecond: number;
  /** The step of the last in-memory checkpoint (what a lost GPU falls back to). */
  checkpointStep: number | null;
  /** A test evaluation or a curvature measurement is still being computed beside training. */
  measuring: boolean;
}

export type UserDatasetKind = 'cifar10' | 'mnist-idx';

export type WeightsFormat = 'safetensors' | 'tfjs' | 'onnx';

/** Where imported weights go: a new lane (joining at the current step) or an existing lane's weights. */
export type WeightsTarget = { mode: 'new'; lane: LaneConfig } | { mode: 'replace'; laneId: string };

export interface WeightsImportSummary {
  laneId: string;
  /** The file's metadata in words (model, dataset, step), or why there was none. */
  origin: string;
  comparison: ComparisonSummary;
}

/** How far a landscape or Hessian job is. */
export interface JobProgress {
  jobId: number;
  /** Work done and in all: point-samples for a landscape (grid points times samples), HVPs for a Hessian. */
  done: number;
  total: number;
  seconds: number;
}

export interface JobOutcome {
  jobId: number;
  cancelled: boolean;
  seconds: number;
}

export type EngineEvent =
  | { type: 'load-progress'; progress: LoadProgress }
  | { type: 'metrics'; points: MetricPoint[] }
  /** Live slices of the lanes measured by curvature tracking (the loss along a random filter-normalized direction). */
  | { type: 'tracked-slices'; slices: TrackedSlice[] }
  | { type: 'status'; status: RunStatus }
  | { type: 'reset' }
  | { type: 'backend'; report: BackendReport }
  | { type: 'error'; message: string }
  /** The WebGPU device was lost: training stopped; continueOn(backend) resumes from the checkpoint. */
  | { type: 'device-lost'; reason: string; step: number; checkpointStep: number | null }
  /** The comparison was rebuilt from the checkpoint at `step`: metrics after it are to be dropped. */
  | { type: 'restored'; step: number }
  /** A lane's loss or weights stopped being finite: it stopped; the others go on. */
  | { type: 'lane-diverged'; laneId: string; divergence: Divergence }
  | { type: 'landscape-progress'; progress: JobProgress }
  | { type: 'landscape-update'; jobId: number; update: LandscapeUpdate }
  | { type: 'hessian-progress'; progress: JobProgress }
  | { type: 'hessian-result'; jobId: number; result: HessianResult }
  | { type: 'analysis-progress'; progress: JobProgress }
  /** A partial (final: false) or finished result of the running analysis. */
  | { type: 'analysis-result'; jobId: number; result: AnalysisResult; final: boolean };

export type EngineListener = (event: EngineEvent) => void;

export interface InitOptions extends BackendOptions {
  backend: BackendRequest;
  /** The app's base URL; served datasets live under <base>data/. */
  baseUrl: string;
}

export interface EngineApi {
  init(options: InitOptions): Promise<BackendReport>;
  /** tf.getBackend() where the engine runs. */
  tfBackend(): Promise<string>;
  subscribe(listener: EngineListener): Promise<void>;
  listDatasets(): Promise<DatasetEntry[]>;
  loadDataset(id: string): Promise<DatasetSummary>;
  importFiles(kind: UserDatasetKind, files: InputFile[]): Promise<DatasetSummary>;
  configure(config: ComparisonConfig): Promise<ComparisonSummary>;
  forkLane(sourceId: string, lane: LaneConfig): Promise<ComparisonSummary>;
  /** A one-shot optimum shift of a lane's head (paused), with the before/after report (and Hessian, if settings are given). */
  shiftNow(laneId: string, samples: number, hessian?: HessianSettings): Promise<ShiftReportWithHessian>;
  /** Top eigenvalues, trace and density of each named lane's Hessian; results stream as events. */
  computeHessian(request: HessianRequest): Promise<JobOutcome>;
  cancelHessian(): Promise<void>;
  /** λmax and Tr(H) of every lane every N steps as lane metrics (null: off). */
  setHessianTracking(tracking: HessianTracking | null): Promise<void>;
  /**
   * Loss-landscape curves, surfaces or an interpolation from snapshots of the lanes' weights taken
   * now; results stream as events; resolves when done or cancelled. Training may go on meanwhile.
   */
  computeLandscape(request: LandscapeRequest): Promise<JobOutcome>;
  cancelLandscape(): Promise<void>;
  /**
   * Sharpness measures, per-layer curvature, eigen-direction slices, mode connectivity, the
   * trajectory plane or the convexity map, on snapshots of the lanes' weights taken now; results
   * stream as events; resolves when done or cancelled.
   */
  computeAnalysis(request: AnalysisRequest): Promise<JobOutcome>;
  cancelAnalysis(): Promise<void>;
  /** A lane's weights as files (safetensors, or TF.js model.json + weights.bin) with their metadata. */
  exportWeights(laneId: string, format: WeightsFormat): Promise<InputFile[]>;
  /** Restores weights from files into a new or an existing lane; refuses mismatches and corrupt files, changing nothing. */
  importWeights(files: InputFile[], target: WeightsTarget): Promise<WeightsImportSummary>;
  /** Steps between in-memory checkpoints of every lane (default 100). */
  setCheckpointEvery(steps: number): Promise<void>;
  /** Destroys the WebGPU device, as a driver reset would (tests, demonstrations). */
  loseDevice(): Promise<void>;
  /** After a lost device: start `backend` and go on from the last checkpoint. */
  continueOn(backend: BackendRequest): Promise<ComparisonSummary>;
  play(): Promise<void>;
  pause(): Promise<void>;
  stepOnce(): Promise<void>;
  reset(): Promise<void>;
  /** Caps training speed (steps per second of the comparison); null runs as fast as possible. */
  setSpeed(maxStepsPerSecond: number | null): Promise<void>;
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  dispose(): Promise<void>;
}
