/**
 * Downloadable serializations of the app's results (CSV, JSON, VTK XML PolyData) and the parsers
 * that read them back. Pure string functions: no tensors, no DOM.
 *
 * Conventions shared by every format:
 * - numbers are written with String(x) (shortest text that reads back to the same double);
 * - non-finite numbers are written as empty CSV fields or JSON null, and read back as NaN;
 * - CSV follows RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled)
 *   with "\n" line ends and a final "\n"; the parsers also accept "\r\n" and a leading BOM.
 */
import { z } from 'zod';
import { isMetricName, type MetricName, type MetricPoint } from '../train/metrics';
import type { CurveResult, CurveValues, SurfaceResult } from '../landscape/config';
import { hessianSettingsSchema, type HessianResult } from '../hessian/config';
import type { ToyResult } from '../toy/optimizers';

// ---------------------------------------------------------------------------------------------
// CSV primitives

export const METRICS_CSV_HEADER = ['lane', 'lane_name', 'step', 'grad_evals', 'wall_s', 'metric', 'value'] as const;
export const CURVES_CSV_HEADER = ['curve', 'kind', 'alpha', 'beta', 'split', 'loss', 'accuracy'] as const;
export const SURFACE_CSV_HEADER = ['lane', 'alpha', 'beta', 'split', 'loss', 'accuracy'] as const;
export const TOY_CSV_HEADER = ['run', 'label', 'step', 'p1', 'p2', 'loss'] as const;

export const METRICS_JSON_FORMAT = 'flat-minima-playground/metrics';
export const HESSIAN_JSON_FORMAT = 'flat-minima-playground/hessian';

type Field = string | number;

/** A number as CSV text: full precision, empty if not finite. */
function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** One CSV field, quoted (RFC 4180) when it holds a comma, quote, CR or LF. */
export function csvField(value: Field): string {
  const text = typeof value === 'number' ? csvNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvText(header: readonly string[], rows: readonly Field[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + '\n').join('');
}

/**
 * RFC 4180 parser: records of fields, quoted fields may hold commas, doubled quotes and line
 * breaks. Accepts "\n", "\r\n" or "\r" record ends, a final line end or none, and a leading BOM.
 * Throws on a stray quote inside an unquoted field, text after a closing quote, or an open quote.
 */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let started = false; // whether the current record has any content (or a separator) yet
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (field !== '') throw new Error(`CSV line ${line}: a quote inside an unquoted field`);
      const end = readQuoted(s, i + 1, line);
      field = end.value;
      line += end.lineBreaks;
      i = end.next;
      started = true;
      if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') throw new Error(`CSV line ${line}: text after a closing quote`);
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      started = true;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      started = false;
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    field += c;
    started = true;
    i++;
  }
  if (started) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Reads a quoted field's content starting just after the opening quote. */
function readQuoted(s: string, start: number, line: number): { value: string; next: number; lineBreaks: number } {
  let value = '';
  let lineBreaks = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (s[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { value, next: i + 1, lineBreaks };
    }
    if (c === '\n') lineBreaks++;
    value += c;
    i++;
  }
  throw new Error(`CSV line ${line}: a quoted field is never closed`);
}

/** Parses a CSV whose first record must be exactly `header`; returns the data records, each checked for length. */
function csvRecords(text: string, header: readonly string[], what: string): string[][] {
  const records = parseCsv(text);
  if (records.length === 0) throw new Error(`${what}: the file is empty`);
  if (records[0].join(',') !== header.join(','))
    throw new Error(`${what}: expected the header "${header.join(',')}", found "${records[0].join(',')}"`);
  const rows = records.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== header.length) throw new Error(`${what}: record ${r + 2} has ${row.length} fields, expected ${header.length}`);
  });
  return rows;
}

/** A numeric CSV field: empty → NaN; anything but a plain decimal number throws. */
function readNumber(text: string, what: string): number {
  if (text === '') return NaN;
  const x = Number(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(x)) throw new Error(`${what}: "${text}" is not a number`);
  return x;
}

function readMetric(text: string, what: string): MetricName {
  if (!isMetricName(text)) throw new Error(`${what}: unknown metric "${text}"`);
  return text;
}

function laneName(laneNames: Record<string, string>, laneId: string): string {
  return Object.prototype.hasOwnProperty.call(laneNames, laneId) ? laneNames[laneId] : laneId;
}

// ---------------------------------------------------------------------------------------------
// Metrics (long format)

/** Header `lane,lane_name,step,grad_evals,wall_s,metric,value`, one row per point, in the given order. */
export function metricsCsv(points: readonly MetricPoint[], laneNames: Record<string, string>): string {
  const rows = points.map((p) => [p.laneId, laneName(laneNames, p.laneId), p.step, p.gradEvals, p.wallSeconds, p.metric, p.value]);
  return csvText(METRICS_CSV_HEADER, rows);
}

/** Inverse of metricsCsv (lane names are dropped; read them with parseCsv if needed). */
export function parseMetricsCsv(text: string): MetricPoint[] {
  return csvRecords(text, METRICS_CSV_HEADER, 'metrics CSV').map(([lane, , step, gradEvals, wall, metric, value], r) => {
    const at = `metrics CSV record ${r + 2}`;
    return {
      laneId: lane,
      metric: readMetric(metric, at),
      step: readNumber(step, at),
      gradEvals: readNumber(gradEvals, at),
      wallSeconds: readNumber(wall, at),
      value: readNumber(value, at),
    };
  });
}

/** Lanes named in the export: every lane of the points, in first-seen order. */
function lanesOf(laneIds: readonly string[], laneNames: Record<string, string>): Record<string, string> {
  const lanes: Record<string, string> = {};
  for (const id of laneIds) if (!Object.prototype.hasOwnProperty.call(lanes, id)) lanes[id] = laneName(laneNames, id);
  return lanes;
}

/**
 * `{"format":"flat-minima-playground/metrics","version":1,"lanes":{id:name},"points":[{lane,step,
 * grad_evals,wall_s,metric,value}]}`; non-finite numbers are null (JSON.stringify's own rule).
 */
export function metricsJson(points: readonly MetricPoint[], laneNames: Record<string, string>): string {
  return JSON.stringify({
    format: METRICS_JSON_FORMAT,
    version: 1,
    lanes: lanesOf(
      points.map((p) => p.laneId),
      laneNames,
    ),
    points: points.map((p) => ({
      lane: p.laneId,
      step: p.step,
      grad_evals: p.gradEvals,
      wall_s: p.wallSeconds,
      metric: p.metric,
      value: p.value,
    })),
  });
}

/** A JSON number or null (→ NaN). */
const jsonNumber = z
  .number()
  .nullable()
  .transform((x) => x ?? NaN);

const metricsJsonSchema = z.object({
  format: z.literal(METRICS_JSON_FORMAT),
  version: z.literal(1),
  lanes: z.record(z.string(), z.string()),
  points: z.array(
    z.object({
      lane: z.string(),
      step: jsonNumber,
      grad_evals: jsonNumber,
      wall_s: jsonNumber,
      metric: z.string().refine(isMetricName, 'unknown metric'),
      value: jsonNumber,
    }),
  ),
});

/** Inverse of metricsJson; null → NaN. */
export function parseMetricsJson(text: string): MetricPoint[] {
  const file = metricsJsonSchema.parse(JSON.parse(text));
  return file.points.map((p) => ({
    laneId: p.lane,
    metric: readMetric(p.metric, 'metrics JSON'),
    step: p.step,
    gradEvals: p.grad_evals,
    wallSeconds: p.wall_s,
    value: p.value,
  }));
}

// ---------------------------------------------------------------------------------------------
// Landscape curves and surfaces

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

// ---------------------------------------------------------------------------------------------
// VTK XML PolyData (.vtp, ParaView)

function isComputed(surface: SurfaceResult, k: number): boolean {
  return Number.isFinite(surface.loss[k]) && Number.isFinite(surface.accuracy[k]);
}

/** Point index of every computed node (−1 for the others), numbering computed nodes in row-major order. */
function pointNumbers(surface: SurfaceResult): Int32Array {
  const numbers = new Int32Array(surface.alphas.length * surface.betas.length).fill(-1);
  let next = 0;
  for (let k = 0; k < numbers.length; k++) if (isComputed(surface, k)) numbers[k] = next++;
  return numbers;
}

/** Quads (counter-clockwise in the α–β plane) of every grid cell whose four corners are computed. */
function quads(surface: SurfaceResult, numbers: Int32Array): number[][] {
  const n = surface.alphas.length;
  const cells: number[][] = [];
  for (let j = 0; j + 1 < surface.betas.length; j++) {
    for (let i = 0; i + 1 < n; i++) {
      const corners = [j * n + i, j * n + i + 1, (j + 1) * n + i + 1, (j + 1) * n + i].map((k) => numbers[k]);
      if (corners.every((p) => p >= 0)) cells.push(corners);
    }
  }
  return cells;
}

function dataArray(attributes: string, values: readonly number[]): string {
  return `        <DataArray ${attributes} format="ascii">${values.map(String).join(' ')}</DataArray>\n`;
}

/**
 * VTK XML PolyData (ascii): one point (α, β, loss·heightScale) per computed node (finite loss and
 * accuracy), renumbered in row-major order; one quad per grid cell with four computed corners;
 * PointData Float32 "loss" (unscaled) and "accuracy". Uncomputed nodes are left out entirely.
 */
export function surfaceVtp(surface: SurfaceResult, options: { heightScale?: number } = {}): string {
  const scale = options.heightScale ?? 1;
  if (!Number.isFinite(scale)) throw new Error('surfaceVtp: the height scale must be finite');
  const numbers = pointNumbers(surface);
  const nodes = [...numbers.keys()].filter((k) => numbers[k] >= 0);
  const n = surface.alphas.length;
  const xyz = nodes.flatMap((k) => [surface.alphas[k % n], surface.betas[Math.floor(k / n)], surface.loss[k] * scale]);
  const cells = quads(surface, numbers);
  return (
    '<?xml version="1.0"?>\n' +
    '<VTKFile type="PolyData" version="1.0" byte_order="LittleEndian">\n' +
    '  <PolyData>\n' +
    `    <Piece NumberOfPoints="${nodes.length}" NumberOfVerts="0" NumberOfLines="0" NumberOfStrips="0" NumberOfPolys="${cells.length}">\n` +
    '      <PointData Scalars="loss">\n' +
    dataArray(
      'type="Float32" Name="loss"',
      nodes.map((k) => surface.loss[k]),
    ) +
    dataArray(
      'type="Float32" Name="accuracy"',
      nodes.map((k) => surface.accuracy[k]),
    ) +
    '      </PointData>\n' +
    '      <Points>\n' +
    dataArray('type="Float64" Name="Points" NumberOfComponents="3"', xyz) +
    '      </Points>\n' +
    '      <Polys>\n' +
    dataArray('type="Int32" Name="connectivity"', cells.flat()) +
    dataArray(
      'type="Int32" Name="offsets"',
      cells.map((_, c) => 4 * (c + 1)),
    ) +
    '      </Polys>\n' +
    '    </Piece>\n' +
    '  </PolyData>\n' +
    '</VTKFile>\n'
  );
}

export interface ParsedVtp {
  points: number[][];
  loss: number[];
  accuracy: number[];
  /** NumberOfPolys of the Piece. */
  polys: number;
  connectivity: number[];
  offsets: number[];
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return match ? match[1] : null;
}

/** The numbers of the DataArray named `name` inside the `section` element. */
function vtpArray(xml: string, section: string, name: string): number[] {
  const body = new RegExp(`<${section}[^>]*>([\\s\\S]*?)</${section}>`).exec(xml);
  if (!body) throw new Error(`VTP: no <${section}> element`);
  for (const match of body[1].matchAll(/<DataArray([^>]*)>([^<]*)<\/DataArray>/g)) {
    if (attribute(match[1], 'Name') !== name) continue;
    const text = match[2].trim();
    return text === '' ? [] : text.split(/\s+/).map((t) => readNumber(t, `VTP ${name}`));
  }
  throw new Error(`VTP: no DataArray "${name}" in <${section}>`);
}

/** Reads back what surfaceVtp writes (plain string parsing, not a general VTK reader); checks the counts agree. */
export function parseVtpPoints(xml: string): ParsedVtp {
  const piece = /<Piece\b[^>]*>/.exec(xml);
  if (!piece) throw new Error('VTP: no <Piece>');
  const numberOfPoints = Number(attribute(piece[0], 'NumberOfPoints'));
  const polys = Number(attribute(piece[0], 'NumberOfPolys'));
  const xyz = vtpArray(xml, 'Points', 'Points');
  const points = Array.from({ length: xyz.length / 3 }, (_, p) => xyz.slice(3 * p, 3 * p + 3));
  const result = {
    points,
    loss: vtpArray(xml, 'PointData', 'loss'),
    accuracy: vtpArray(xml, 'PointData', 'accuracy'),
    polys,
    connectivity: vtpArray(xml, 'Polys', 'connectivity'),
    offsets: vtpArray(xml, 'Polys', 'offsets'),
  };
  if (xyz.length !== 3 * numberOfPoints || result.loss.length !== numberOfPoints || result.accuracy.length !== numberOfPoints)
    throw new Error('VTP: the point arrays do not match NumberOfPoints');
  if (result.offsets.length !== polys) throw new Error('VTP: the offsets do not match NumberOfPolys');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Hessian analyses

/**
 * `{"format":"flat-minima-playground/hessian","version":1,"lanes":{id:name},"results":[HessianResult…]}`
 * with each result's fields as in HessianResult; non-finite numbers are null.
 */
export function hessianJson(results: readonly HessianResult[], laneNames: Record<string, string>): string {
  return JSON.stringify({
    format: HESSIAN_JSON_FORMAT,
    version: 1,
    lanes: lanesOf(
      results.map((r) => r.laneId),
      laneNames,
    ),
    results,
  });
}

const jsonNumbers = z.array(jsonNumber);

const hessianResultSchema = z.object({
  laneId: z.string(),
  label: z.string(),
  step: jsonNumber,
  samples: jsonNumber,
  settings: hessianSettingsSchema,
  top: z.object({ eigenvalues: jsonNumbers, residuals: jsonNumbers, iterations: jsonNumber, converged: z.boolean() }),
  trace: z.object({ trace: jsonNumber, stdError: jsonNumber, samples: jsonNumber, converged: z.boolean() }).nullable(),
  density: z
    .object({
      nodes: jsonNumbers,
      weights: jsonNumbers,
      grid: jsonNumbers,
      density: jsonNumbers,
      sigma: jsonNumber,
      runs: jsonNumber,
      steps: jsonNumber,
    })
    .nullable(),
  hvps: jsonNumber,
  gradients: jsonNumber,
  seconds: jsonNumber,
  cancelled: z.boolean(),
});

const hessianJsonSchema = z.object({
  format: z.literal(HESSIAN_JSON_FORMAT),
  version: z.literal(1),
  lanes: z.record(z.string(), z.string()),
  results: z.array(hessianResultSchema),
});

/** Inverse of hessianJson; null numbers → NaN (trace and density stay null when they were). */
export function parseHessianJson(text: string): HessianResult[] {
  return hessianJsonSchema.parse(JSON.parse(text)).results;
}

// ---------------------------------------------------------------------------------------------
// Toy-surface runs

export interface ToyRunExport {
  id: string;
  label: string;
  result: ToyResult;
}

/** Header `run,label,step,p1,p2,loss`: one row per path point, step 0 being the start. */
export function toyCsv(runs: readonly ToyRunExport[]): string {
  const rows = runs.flatMap((run) => run.result.path.map(([p1, p2, loss], step) => [run.id, run.label, step, p1, p2, loss]));
  return csvText(TOY_CSV_HEADER, rows);
}

export interface ParsedToyRun {
  id: string;
  label: string;
  path: Array<[number, number, number]>;
}

/** Inverse of toyCsv: runs in first-seen order; each run's steps must be 0, 1, 2, … */
export function parseToyCsv(text: string): ParsedToyRun[] {
  const runs = new Map<string, ParsedToyRun>();
  csvRecords(text, TOY_CSV_HEADER, 'toy CSV').forEach(([id, label, step, p1, p2, loss], r) => {
    const at = `toy CSV record ${r + 2}`;
    const run = runs.get(id) ?? { id, label, path: [] };
    runs.set(id, run);
    if (readNumber(step, at) !== run.path.length) throw new Error(`${at}: expected step ${run.path.length} of run "${id}"`);
    if (label !== run.label) throw new Error(`${at}: run "${id}" changes label`);
    run.path.push([readNumber(p1, at), readNumber(p2, at), readNumber(loss, at)]);
  });
  return [...runs.values()];
}
