/**
 * A test evaluation taken at one step and computed later, one chunk of one lane at a time, so that
 * training never waits for a whole test split (10,000 test images through a CNN take seconds on
 * WASM). Each lane's weights are copied on the device at the step; its points carry that step and
 * the lane's counters then. The arithmetic is evaluate()'s, chunk for chunk: the same numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EvalSet } from '../data/batch';
import type { LossKind } from '../model/spec';
import type { Model } from '../model/model';
import type { Params } from '../model/params';
import { disposeParams } from '../model/paramTensors';
import { testPoints } from './aggregator';
import { addChunk, readSums, type RunningSums } from './evaluate';
import type { MetricPoint } from './metrics';

export interface TestSubject {
  laneId: string;
  /** The lane's weights at the test step (this job owns and frees them). */
  params: Params;
  gradEvals: number;
  seconds: number;
}

export class DeferredTest {
  private lane = 0;
  private chunk = 0;
  private running: RunningSums | null = null;
  private readonly points: MetricPoint[] = [];

  constructor(
    readonly step: number,
    private readonly subjects: TestSubject[],
    private readonly set: EvalSet,
    private readonly model: Model,
    private readonly loss: LossKind,
  ) {}

  /** Copies of the lanes' weights now, for a test of them later. */
  static copy(params: Params): Params {
    return Object.fromEntries(Object.entries(params).map(([name, t]) => [name, tf.keep(t.clone())]));
  }

  get done(): boolean {
    return this.lane >= this.subjects.length;
  }

  /** One chunk of one lane; the points of every lane once the last chunk is in. */
  async advance(): Promise<MetricPoint[]> {
    if (this.done) return [];
    const subject = this.subjects[this.lane];
    const chunk = this.set.chunks[this.chunk];
    if (chunk) this.running = addChunk(this.model, subject.params, chunk, this.loss, this.running);
    this.chunk++;
    if (this.chunk < this.set.chunks.length) return [];
    const evaluation = await readSums(this.running, this.set.count);
    this.running = null;
    this.points.push(...testPoints(subject.laneId, this.step, subject.gradEvals, subject.seconds, evaluation));
    disposeParams(subject.params);
    this.lane++;
    this.chunk = 0;
    return this.done ? this.points : [];
  }

  /** Every remaining chunk: the points of every lane. */
  async finish(): Promise<MetricPoint[]> {
    let points: MetricPoint[] = [];
    while (!this.done) points = await this.advance();
    return points;
  }

  /** Drops a lane (removed): its copy is freed and it gets no point. */
  forget(laneId: string): void {
    const index = this.subjects.findIndex((s) => s.laneId === laneId);
    if (index < this.lane || index < 0) return;
    if (index === this.lane) {
      if (this.running) tf.dispose([this.running.lossSum, this.running.correct]);
      this.running = null;
      this.chunk = 0;
    }
    disposeParams(this.subjects[index].params);
    this.subjects.splice(index, 1);
  }

  dispose(): void {
    if (this.running) tf.dispose([this.running.lossSum, this.running.correct]);
    this.running = null;
    for (const subject of this.subjects.slice(this.lane)) disposeParams(subject.params);
    this.lane = this.subjects.length;
  }
}
