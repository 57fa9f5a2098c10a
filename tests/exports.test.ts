import { describe, expect, it } from 'vitest';
import { parseToyCsv, toyCsv } from '../src/engine/io/exports/toy';
import { hessianJson, parseHessianJson } from '../src/engine/io/exports/hessian';
import { parseVtpPoints, surfaceVtp } from '../src/engine/io/exports/vtp';
import { curvesCsv, parseCurvesCsv, parseSurfaceCsv, surfaceCsv } from '../src/engine/io/exports/landscape';
import { metricsCsv, metricsJson, parseMetricsCsv, parseMetricsJson } from '../src/engine/io/exports/metrics';
import { parseCsv } from '../src/engine/io/csv';
import type { MetricPoint } from '../src/engine/train/metrics';
import type { CurveResult, SurfaceResult } from '../src/engine/landscape/config';
import { DEFAULT_HESSIAN, type HessianResult } from '../src/engine/hessian/config';
import type { ToyResult } from '../src/engine/toy/optimizers';

const TRICKY = 'Adam, "fast"\nrun 2';

const POINTS: MetricPoint[] = [
  { laneId: 'a', metric: 'train_loss', step: 10, gradEvals: 20, wallSeconds: 0.1 + 0.2, value: 1 / 3 },
  { laneId: 'a', metric: 'test_acc', step: 10, gradEvals: 20, wallSeconds: 1.5e-7, value: NaN },
  { laneId: 'b-2', metric: 'sam_sharpness', step: 20, gradEvals: 40, wallSeconds: 12345.678901234567, value: Infinity },
  { laneId: 'b-2', metric: 'lr', step: 20, gradEvals: 40, wallSeconds: 2, value: -1e-300 },
];
const NAMES = { a: TRICKY, 'b-2': 'plain' };
/** What comes back: non-finite values read back as NaN. */
const POINTS_BACK = POINTS.map((p) => ({ ...p, value: Number.isFinite(p.value) ? p.value : NaN }));

function lines(text: string): string[] {
  return text.split('\n');
}

describe('CSV primitives', () => {
  it('parses RFC 4180 quoting, CRLF line ends and a missing final line end', () => {
    expect(parseCsv('a,"b,c","d""e"\r\n"x\ny",,z')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['x\ny', '', 'z'],
    ]);
    expect(parseCsv('a,b\n')).toEqual([['a', 'b']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('rejects malformed quoting', () => {
    expect(() => parseCsv('a,"b')).toThrow(/never closed/);
    expect(() => parseCsv('a,b"c\n')).toThrow(/quote inside/);
    expect(() => parseCsv('"a"b,c\n')).toThrow(/after a closing quote/);
    expect(() => parseCsv('a\n"b\nc",d\n"e')).toThrow(/line 4/);
  });

  it('quotes a field with only a quote or only a line break, and no other', () => {
    const text = metricsCsv(
      [POINTS[0], POINTS[0], POINTS[0]].map((p, i) => ({ ...p, laneId: `l${i}` })),
      { l0: 'say "hi"', l1: 'two\nlines', l2: 'cr\rhere' },
    );
    expect(lines(text)[1]).toBe('l0,"say ""hi""",10,20,0.30000000000000004,train_loss,0.3333333333333333');
    expect(lines(text)[2]).toBe('l1,"two');
    expect(text).toContain('l2,"cr\rhere",');
    expect(
      parseCsv(text)
        .slice(1)
        .map((row) => row[1]),
    ).toEqual(['say "hi"', 'two\nlines', 'cr\rhere']);
  });
});

describe('metrics exports', () => {
  it('writes the exact CSV header, quoted lane names and empty non-finite values', () => {
    const text = metricsCsv(POINTS, NAMES);
    expect(lines(text)[0]).toBe('lane,lane_name,step,grad_evals,wall_s,metric,value');
    expect(text).toContain('a,"Adam, ""fast""\nrun 2",10,20,0.30000000000000004,train_loss,0.3333333333333333\n');
    expect(text).toContain(',sam_sharpness,\n');
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('round-trips the CSV with identical numbers and lane names', () => {
    const text = metricsCsv(POINTS, NAMES);
    expect(parseMetricsCsv(text)).toEqual(POINTS_BACK);
    const names = parseCsv(text)
      .slice(1)
      .map((row) => row[1]);
    expect(names).toEqual([TRICKY, TRICKY, 'plain', 'plain']);
  });

  it('reads FAM κ exported under its old name "fam_kappa" as fam_kappa_batch_mean', () => {
    const old = 'lane,lane_name,step,grad_evals,wall_s,metric,value\nl1,FAM,20,20,1.5,fam_kappa,0.25\n';
    expect(parseMetricsCsv(old)).toEqual([
      { laneId: 'l1', step: 20, gradEvals: 20, wallSeconds: 1.5, metric: 'fam_kappa_batch_mean', value: 0.25 },
    ]);
  });

  it('rejects a wrong header or an unknown metric', () => {
    const text = metricsCsv(POINTS, NAMES);
    expect(() => parseMetricsCsv(text.replace('grad_evals', 'evals'))).toThrow(/header/);
    expect(() => parseMetricsCsv(text.replace('train_loss', 'toString'))).toThrow(/unknown metric/);
  });

  it('round-trips the JSON, non-finite values as null', () => {
    const text = metricsJson(POINTS, NAMES);
    const raw = JSON.parse(text) as {
      format: string;
      version: number;
      lanes: Record<string, string>;
      points: Array<{ value: number | null }>;
    };
    expect(raw.format).toBe('flat-minima-playground/metrics');
    expect(raw.version).toBe(1);
    expect(raw.lanes).toEqual(NAMES);
    expect(raw.points.map((p) => p.value)).toEqual([1 / 3, null, null, -1e-300]);
    expect(parseMetricsJson(text)).toEqual(POINTS_BACK);
  });
});

const CURVES: CurveResult[] = [
  {
    kind: 'curve',
    step: 40,
    key: 'a',
    label: 'lane a',
    alphas: [-1, -0.1, 0.7000000000000001],
    train: { loss: [2.5, NaN, 0.123456789012345], accuracy: [0.1, 0.2, 0.3] },
    test: { loss: [2.6, 1.1, 0.2], accuracy: [0.15, NaN, 0.35] },
    samples: { train: 10, test: 5 },
    seconds: 1,
    cancelled: false,
  },
  {
    kind: 'interpolation',
    step: 40,
    key: 'a→b',
    label: 'a to b',
    alphas: [-0.5, 1.5],
    train: { loss: [3, 4], accuracy: [0.5, 0.25] },
    test: null,
    samples: { train: 10, test: 0 },
    seconds: 1,
    cancelled: false,
  },
];

describe('landscape curve exports', () => {
  it('writes the exact header, an empty β and one row per point per split', () => {
    const text = curvesCsv(CURVES);
    const rows = lines(text);
    expect(rows[0]).toBe('curve,kind,alpha,beta,split,loss,accuracy');
    expect(rows.length).toBe(1 + 3 + 3 + 2 + 1);
    expect(rows[2]).toBe('a,curve,-0.1,,train,,0.2');
    expect(rows[5]).toBe('a,curve,-0.1,,test,1.1,');
  });

  it('round-trips the curves with identical numbers', () => {
    const back = parseCurvesCsv(curvesCsv(CURVES));
    expect(back).toEqual(CURVES.map(({ kind, key, alphas, train, test }) => ({ kind, key, alphas, train, test })));
  });
});

/** A 3×3 surface, node (α index 2, β index 0) not computed. */
function surface3x3(): SurfaceResult {
  const alphas = [-1, 0, 1];
  const betas = [-0.5, 0.25, 1];
  const loss = [1, 2, NaN, 4, 5.5, 6, 7, 8, 9.000000000000002];
  const accuracy = [0.9, 0.8, NaN, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
  return {
    laneId: 'a',
    step: 40,
    alphas,
    betas,
    loss,
    accuracy,
    split: 'test',
    samples: 100,
    level: [0, 2],
    computed: 8,
    total: 9,
    seconds: 1,
    cancelled: false,
  };
}

describe('landscape surface exports', () => {
  it('writes every grid node row-major by β with an empty uncomputed node', () => {
    const rows = lines(surfaceCsv(surface3x3(), 'x, "y"'));
    expect(rows[0]).toBe('lane,alpha,beta,split,loss,accuracy');
    expect(rows.length).toBe(1 + 9 + 1);
    expect(rows[1]).toBe('"x, ""y""",-1,-0.5,test,1,0.9');
    expect(parseCsv(surfaceCsv(surface3x3(), 'x'))[3]).toEqual(['x', '1', '-0.5', 'test', '', '']);
    expect(parseCsv(surfaceCsv(surface3x3(), 'x'))[4]).toEqual(['x', '-1', '0.25', 'test', '4', '0.6']);
  });

  it('round-trips the surface with identical numbers', () => {
    const s = surface3x3();
    expect(parseSurfaceCsv(surfaceCsv(s, TRICKY))).toEqual({
      laneName: TRICKY,
      alphas: s.alphas,
      betas: s.betas,
      split: 'test',
      loss: s.loss,
      accuracy: s.accuracy,
    });
  });

  it('rejects rows that are not on the grid', () => {
    const text = surfaceCsv(surface3x3(), 'x').replace('x,0,0.25', 'x,0.5,0.25');
    expect(() => parseSurfaceCsv(text)).toThrow(/not the next node/);
  });
});

describe('VTK PolyData export', () => {
  it('keeps only computed nodes and the fully computed cells, renumbered', () => {
    const s = surface3x3();
    const xml = surfaceVtp(s, { heightScale: 2 });
    expect(xml.startsWith('<?xml version="1.0"?>\n<VTKFile type="PolyData" version="1.0" byte_order="LittleEndian">')).toBe(true);
    expect(xml).toMatch(/<Piece NumberOfPoints="8" [^>]*NumberOfPolys="3">/);
    expect(xml.match(/<DataArray /g)?.length).toBe(5);
    expect(xml.match(/<\/DataArray>/g)?.length).toBe(5);
    expect(xml).not.toMatch(/NaN/);
    const vtp = parseVtpPoints(xml);
    expect(vtp.polys).toBe(3);
    expect(vtp.offsets).toEqual([4, 8, 12]);
    expect(vtp.connectivity).toEqual([0, 1, 3, 2, 2, 3, 6, 5, 3, 4, 7, 6]);
    expect(vtp.connectivity.every((p) => Number.isInteger(p) && p >= 0 && p < vtp.points.length)).toBe(true);
    const computed = [0, 1, 3, 4, 5, 6, 7, 8];
    expect(vtp.points).toEqual(computed.map((k) => [s.alphas[k % 3], s.betas[Math.floor(k / 3)], 2 * s.loss[k]]));
    expect(vtp.loss).toEqual(computed.map((k) => s.loss[k]));
    expect(vtp.accuracy).toEqual(computed.map((k) => s.accuracy[k]));
  });

  it('writes no polygons when the missing node is a corner of every cell', () => {
    const s = surface3x3();
    s.loss = [1, 2, 3, 4, NaN, 6, 7, 8, 9];
    s.accuracy = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    const vtp = parseVtpPoints(surfaceVtp(s));
    expect(vtp.points.length).toBe(8);
    expect(vtp.polys).toBe(0);
    expect(vtp.connectivity).toEqual([]);
    expect(vtp.points[4]).toEqual([1, 0.25, 6]);
  });

  it('also leaves out a node whose accuracy alone is not finite', () => {
    const s = surface3x3();
    s.loss = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    s.accuracy = [NaN, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    const vtp = parseVtpPoints(surfaceVtp(s));
    expect(vtp.points.length).toBe(8);
    expect(vtp.polys).toBe(3);
    expect(vtp.points[0]).toEqual([0, -0.5, 2]);
  });
});

function hessianResult(laneId: string, withDensity: boolean): HessianResult {
  return {
    laneId,
    label: `${laneId} label`,
    step: 500,
    samples: 1000,
    settings: { ...DEFAULT_HESSIAN, topK: 2 },
    top: { eigenvalues: [12.5, 0.1 + 0.2], residuals: [1e-5, NaN], iterations: 17, converged: true },
    trace: withDensity ? { trace: 42.25, stdError: NaN, samples: 1, converged: false } : null,
    density: withDensity
      ? { nodes: [-1, 2], weights: [0.25, 0.75], grid: [-1, 0, 2], density: [0.1, Infinity, 0.3], sigma: 0.03, runs: 1, steps: 2 }
      : null,
    hvps: 123,
    gradients: 1,
    seconds: 2.5,
    cancelled: false,
  };
}

describe('Hessian export', () => {
  it('round-trips the JSON with non-finite numbers as null', () => {
    const results = [hessianResult('a', true), hessianResult('b', false)];
    const text = hessianJson(results, { a: TRICKY });
    const raw = JSON.parse(text) as { format: string; version: number; lanes: Record<string, string> };
    expect(raw.format).toBe('flat-minima-playground/hessian');
    expect(raw.version).toBe(1);
    expect(raw.lanes).toEqual({ a: TRICKY, b: 'b' });
    expect(text).toContain('"stdError":null');
    expect(text).not.toMatch(/NaN|Infinity/);
    const back = parseHessianJson(text);
    results[0].density = { ...results[0].density!, density: [0.1, NaN, 0.3] };
    expect(back).toEqual(results);
    expect(back[1].trace).toBeNull();
    expect(back[0].trace?.stdError).toBeNaN();
  });

  it('rejects another format', () => {
    const text = hessianJson([hessianResult('a', false)], {}).replace('/hessian', '/metrics');
    expect(() => parseHessianJson(text)).toThrow();
  });
});

function toy(path: Array<[number, number, number]>): ToyResult {
  const last = path[path.length - 1];
  return { surface: 'bowl', steps: path.length - 1, end: [last[0], last[1]], loss: last[2], gradNorm: 0, hessianEigenvalues: [1, 2], path };
}

describe('toy run export', () => {
  const runs = [
    {
      id: 'r1',
      label: TRICKY,
      result: toy([
        [1, 2, 5],
        [0.5, 1.0000000000000002, NaN],
        [0.25, -0.5, 0.3125],
      ]),
    },
    { id: 'r2', label: 'sgd', result: toy([[-3, 4, 25]]) },
  ];

  it('writes the exact header and one row per path point', () => {
    const text = toyCsv(runs);
    expect(lines(text)[0]).toBe('run,label,step,p1,p2,loss');
    const rows = parseCsv(text);
    expect(rows.length).toBe(1 + 3 + 1);
    expect(rows[2]).toEqual(['r1', TRICKY, '1', '0.5', '1.0000000000000002', '']);
  });

  it('round-trips the paths with identical numbers', () => {
    expect(parseToyCsv(toyCsv(runs))).toEqual(runs.map((r) => ({ id: r.id, label: r.label, path: r.result.path })));
  });
});
