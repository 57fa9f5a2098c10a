/**
 * `npm run bench -- --peer`: the same three workloads in the engine (Node, its current backend)
 * and in PyTorch on the CPU (scripts/peer/torch_peer.py), in one run: one training step of the
 * default MLP and of the default CNN (one lane, SGD with momentum 0.9, batch 64, Fashion-MNIST),
 * and one Hessian-vector product of the default MLP on 1,000 training samples.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Dataset } from '../engine/data/dataset';
import { disposeEvalSet, makeEvalSet } from '../engine/data/batch';
import { Comparison } from '../engine/train/comparison';
import { defaultComparison } from '../engine/train/config';
import { DEFAULT_CNN, DEFAULT_MLP, type ModelSpec } from '../engine/model/spec';
import { gradientChunkSize } from '../engine/model/chunks';
import { HessianOperator } from '../engine/hessian/hvp';
import { gaussian } from '../engine/hessian/lanczos';

export interface PeerWorkloads {
  mlpStepMs: number;
  cnnStepMs: number;
  hvpMs: number;
  threads: number;
}

export interface TorchPeer extends PeerWorkloads {
  torch: string;
  python: string;
}

/** Milliseconds per call of `work` (after `warmup` calls), over at least `seconds` and 5 calls. */
async function msPer(work: () => Promise<unknown>, seconds: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await work();
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < seconds * 1000 || count < 5) {
    await work();
    count++;
  }
  return (performance.now() - started) / count;
}

async function trainStepMs(dataset: Dataset, model: ModelSpec, seconds: number): Promise<number> {
  const base = defaultComparison();
  const comparison = new Comparison(dataset, { ...base, model, lanes: [base.lanes[1]], epochs: 50, logEvery: 10, testEvery: 1e9 });
  try {
    const window = model.kind === 'cnn' ? 2 : 10;
    return (await msPer(() => comparison.trainWindow(window), seconds)) / window;
  } finally {
    comparison.dispose();
  }
}

async function hvpMs(dataset: Dataset, seconds: number): Promise<number> {
  const base = defaultComparison();
  const comparison = new Comparison(dataset, { ...base, lanes: [base.lanes[1]] });
  const snapshot = await comparison.snapshot([base.lanes[1].id]);
  comparison.dispose();
  const set = makeEvalSet(dataset.train, dataset.info, 1000, gradientChunkSize(snapshot.model));
  const op = new HessianOperator(snapshot.model, snapshot.weights.get(base.lanes[1].id)!.current, set, 'cross-entropy');
  const v = gaussian(op.dimension, 1);
  try {
    return await msPer(() => op.apply(v), seconds);
  } finally {
    op.dispose();
    disposeEvalSet(set);
  }
}

export async function oursOnPeerWorkloads(dataset: Dataset, threads: number, seconds = 3): Promise<PeerWorkloads> {
  return {
    mlpStepMs: await trainStepMs(dataset, DEFAULT_MLP, seconds),
    cnnStepMs: await trainStepMs(dataset, DEFAULT_CNN, seconds),
    hvpMs: await hvpMs(dataset, seconds),
    threads,
  };
}

const PYTHONS = ['python3', '/usr/bin/python3', 'python'];

/** The first Python here that imports torch, or null. */
export function pythonWithTorch(): string | null {
  for (const python of PYTHONS) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

export function torchOnPeerWorkloads(python: string, root: string, threads: number, seconds = 3): TorchPeer {
  const script = path.join(root, 'scripts', 'peer', 'torch_peer.py');
  const out = execFileSync(python, [script, '--threads', String(threads), '--seconds', String(seconds)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const parsed = JSON.parse(out) as Omit<TorchPeer, 'python'>;
  return { ...parsed, python };
}
