/** Landscape curves and surfaces as CSV. */
import type { CurveResult, CurveValues, SurfaceResult } from '../../landscape/config';
import type { TrackedSlice } from '../../hessian/tracker';
import { csvRecords, csvText, readNumber, type Field } from '../csv';

export const CURVES_CSV_HEADER = ['curve', 'kind', 'alpha', 'beta', 'split', 'loss', 'accuracy'] as const;
export const SURFACE_CSV_HEADER = ['lane', 'alpha', 'beta', 'split', 'loss', 'accuracy'] as const;

function curveRows(curve: CurveResult, split: 'train' | 'test', values: CurveValues): Field[][] {
  return curve.alphas.map((alpha, i) => [curve.key, curve.kind, alpha, '', split, values.loss[i] ?? NaN, values.accuracy[i] ?? NaN]);
}

/**
 * Header `curve,kind,alpha,beta,split,loss,accuracy`; `curve` is the CurveResult key (the lane id,
 * or "from→to"); beta is always empty (1D). Per curve: all train rows, then all test rows if any.
 */
export function curvesCsv(curves: readonly CurveResult[]): string {
  const rows = curves.flatMap((c) => [...curveRows(c, 'train', c.train), ...(c.test ? curveRows(c, 'test', c.test) : [])]);
  return csvText(CURVES_CSV_HEADER, rows);
}

export interface ParsedCurve {
  key: string;
  kind: 'curve' | 'interpolation';
  alphas: number[];
  train: CurveValues;
  test: CurveValues | null;
}

function readSplit(text: string, what: string): 'train' | 'test' {
  if (text !== 'train' && text !== 'test') throw new Error(`${what}: unknown split "${text}"`);
  return text;
}

function readKind(text: string, what: string): 'curve' | 'interpolation' {
  if (text !== 'curve' && text !== 'interpolation') throw new Error(`${what}: unknown kind "${text}"`);
  return text;
}

/** Inverse of curvesCsv: curves in first-seen order; test rows must repeat the train α's. */
export function parseCurvesCsv(text: string): ParsedCurve[] {
  const curves = new Map<string, ParsedCurve & { testAlphas: number[] }>();
  csvRecords(text, CURVES_CSV_HEADER, 'curves CSV').forEach(([key, kindText, alphaText, beta, splitText, loss, accuracy], r) => {
    const at = `curves CSV record ${r + 2}`;
    if (beta !== '') throw new Error(`${at}: a curve has no β`);
    const kind = readKind(kindText, at);
    const split = readSplit(splitText, at);
    const alpha = readNumber(alphaText, at);
    const curve = curves.get(key) ?? { key, kind, alphas: [], train: { loss: [], accuracy: [] }, test: null, testAlphas: [] };
    curves.set(key, curve);
    if (curve.kind !== kind) throw new Error(`${at}: curve "${key}" changes kind`);
    if (split === 'train') curve.alphas.push(alpha);
    else curve.testAlphas.push(alpha);
    const values = split === 'train' ? curve.train : (curve.test ??= { loss: [], accuracy: [] });
    values.loss.push(readNumber(loss, at));
    values.accuracy.push(readNumber(accuracy, at));
  });
  return [...curves.values()].map(({ testAlphas, ...curve }) => {
    if (curve.test && !sameNumbers(testAlphas, curve.alphas))
      throw new Error(`curves CSV: the test α's of "${curve.key}" differ from its train α's`);
    return curve;
  });
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** Header `lane,alpha,beta,split,loss,accuracy`: every grid node, row-major by β (α fastest); uncomputed nodes have empty loss/accuracy. */
export function surfaceCsv(surface: SurfaceResult, laneName: string): string {
  const n = surface.alphas.length;
  const rows = surface.betas.flatMap((beta, j) =>
    surface.alphas.map((alpha, i) => [
      laneName,
      alpha,
      beta,
      surface.split,
      surface.loss[j * n + i] ?? NaN,
      surface.accuracy[j * n + i] ?? NaN,
    ]),
  );
  return csvText(SURFACE_CSV_HEADER, rows);
}

export interface ParsedSurface {
  laneName: string;
  alphas: number[];
  betas: number[];
  split: 'train' | 'test';
  /** Row-major by β, NaN where not computed (as in SurfaceResult). */
  loss: number[];
  accuracy: number[];
}

/** Inverse of surfaceCsv: recovers the grid axes from the row order and checks every row sits on the grid. */
export function parseSurfaceCsv(text: string): ParsedSurface {
  const rows = csvRecords(text, SURFACE_CSV_HEADER, 'surface CSV');
  if (rows.length === 0) throw new Error('surface CSV: no grid nodes');
  const nodes = rows.map(([lane, alpha, beta, split, loss, accuracy], r) => {
    const at = `surface CSV record ${r + 2}`;
    return {
      lane,
      alpha: readNumber(alpha, at),
      beta: readNumber(beta, at),
      split: readSplit(split, at),
      loss: readNumber(loss, at),
      accuracy: readNumber(accuracy, at),
    };
  });
  const first = nodes[0];
  const rowLength = nodes.findIndex((node) => !Object.is(node.beta, first.beta));
  const n = rowLength === -1 ? nodes.length : rowLength;
  if (nodes.length % n !== 0) throw new Error(`surface CSV: ${nodes.length} nodes do not make rows of ${n}`);
  const alphas = nodes.slice(0, n).map((node) => node.alpha);
  const betas = Array.from({ length: nodes.length / n }, (_, j) => nodes[j * n].beta);
  nodes.forEach((node, k) => {
    const onGrid = Object.is(node.alpha, alphas[k % n]) && Object.is(node.beta, betas[Math.floor(k / n)]);
    if (!onGrid || node.lane !== first.lane || node.split !== first.split)
      throw new Error(`surface CSV record ${k + 2}: not the next node of lane "${first.lane}"'s ${first.split} grid`);
  });
  return {
    laneName: first.lane,
    alphas,
    betas,
    split: first.split,
    loss: nodes.map((x) => x.loss),
    accuracy: nodes.map((x) => x.accuracy),
  };
}

export const TRACKED_SLICES_CSV_HEADER = ['lane', 'name', 'step', 'alpha', 'loss', 'samples'] as const;

/** The live slices of curvature tracking: one row per lane, tracking step and α (training samples). */
export function trackedSlicesCsv(slices: readonly TrackedSlice[], names: Record<string, string>): string {
  const rows = slices.flatMap((s) =>
    s.alphas.map((alpha, i): Field[] => [s.laneId, names[s.laneId] ?? s.laneId, s.step, alpha, s.loss[i], s.samples]),
  );
  return csvText(TRACKED_SLICES_CSV_HEADER, rows);
}
