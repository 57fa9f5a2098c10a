/** The analyses' results as CSV (one table per kind) and their planes' paths as VTK polylines. */
import type { ConnectivityResult } from '../../analyses/connectivity';
import type { ConvexityResult } from '../../analyses/convexity';
import type { EigenSliceResult } from '../../analyses/eigenSlices';
import type { LayerCurvatureResult, SharpnessResult } from '../../analyses/run';
import type { TrajectoryResult } from '../../analyses/trajectory';
import { csvText, type Field } from '../csv';

export const SHARPNESS_CSV_HEADER = ['lane', 'step', 'samples', 'measure', 'rho', 'm', 'steps', 'draws', 'value', 'std_error'] as const;

/**
 * One row per lane and measure: avg / avg-adaptive (Gaussian δ, antithetic draws), max /
 * max-adaptive (projected gradient ascent on all samples), m-max / m-max-adaptive (mean over
 * batches of m); plus the loss itself as measure "loss".
 */
export function sharpnessCsv(results: readonly SharpnessResult[]): string {
  const rows: Field[][] = results.flatMap((r) => {
    const s = r.settings;
    const row = (
      measure: string,
      rho: number | '',
      m: number | '',
      steps: number | '',
      draws: number | '',
      value: number,
      se: number | '',
    ) => [r.laneId, r.step, r.samples, measure, rho, m, steps, draws, value, se] as Field[];
    const out = [
      row('loss', '', '', '', '', r.loss, ''),
      row('avg', s.averageRho, '', '', s.draws, r.average.plain.value, r.average.plain.stdError),
      row('avg-adaptive', s.averageAdaptiveRho, '', '', s.draws, r.average.adaptive.value, r.average.adaptive.stdError),
      row('max', s.rho, r.samples, s.steps, '', r.worst.plain, ''),
      row('max-adaptive', s.adaptiveRho, r.samples, s.steps, '', r.worst.adaptive, ''),
    ];
    if (r.mSharpness) {
      out.push(row('m-max', s.rho, s.m, s.steps, '', r.mSharpness.plain.value, r.mSharpness.plain.stdError));
      out.push(row('m-max-adaptive', s.adaptiveRho, s.m, s.steps, '', r.mSharpness.adaptive.value, r.mSharpness.adaptive.stdError));
    }
    return out;
  });
  return csvText(SHARPNESS_CSV_HEADER, rows);
}

export const LAYERS_CSV_HEADER = [
  'lane',
  'step',
  'samples',
  'tensor',
  'size',
  'lambda_max',
  'residual',
  'trace',
  'trace_std_error',
  'trace_samples',
  'hvps',
] as const;

export function layersCsv(results: readonly LayerCurvatureResult[]): string {
  const rows: Field[][] = results.flatMap((r) =>
    r.blocks.map((b) => [
      r.laneId,
      r.step,
      r.samples,
      b.name,
      b.size,
      b.lambdaMax,
      b.residual,
      b.trace.trace,
      b.trace.stdError,
      b.trace.samples,
      b.hvps,
    ]),
  );
  return csvText(LAYERS_CSV_HEADER, rows);
}

export const EIGEN_SLICES_CSV_HEADER = ['lane', 'step', 'direction', 'eigenvalue', 'alpha', 'split', 'loss', 'accuracy'] as const;

/** The 1D slices: per lane and direction (v1…vk, random), train rows then test rows. */
export function eigenSlicesCsv(results: readonly EigenSliceResult[]): string {
  const rows: Field[][] = results.flatMap((r) =>
    r.curves.flatMap((c, i) => {
      const direction = c.key.slice(r.laneId.length + 1);
      const eigenvalue = direction === 'random' ? '' : (r.eigenvalues[i] ?? '');
      const split = (name: 'train' | 'test', values: { loss: number[]; accuracy: number[] }) =>
        c.alphas.map((a, k) => [r.laneId, r.step, direction, eigenvalue, a, name, values.loss[k], values.accuracy[k]] as Field[]);
      return [...split('train', c.train), ...(c.test ? split('test', c.test) : [])];
    }),
  );
  return csvText(EIGEN_SLICES_CSV_HEADER, rows);
}

export const CONNECTIVITY_CSV_HEADER = ['path', 't', 'x', 'y', 'split', 'loss', 'accuracy'] as const;

/** Both paths: t, the point's (x, y) on the plane (empty without one), loss and accuracy per split. */
export function connectivityCsv(r: ConnectivityResult): string {
  const rows: Field[][] = [];
  for (const [name, path] of [
    ['linear', r.linear],
    ['bezier', r.bezier],
  ] as const) {
    if (!path) continue;
    const xy = r.plane ? r.plane[name] : null;
    for (const [split, values] of [
      ['train', path.train],
      ['test', path.test],
    ] as const) {
      if (!values) continue;
      path.t.forEach((t, k) => rows.push([name, t, xy?.[k][0] ?? '', xy?.[k][1] ?? '', split, values.loss[k], values.accuracy[k]]));
    }
  }
  return csvText(CONNECTIVITY_CSV_HEADER, rows);
}

export const TRAJECTORY_CSV_HEADER = ['lane', 'step', 'alpha', 'beta'] as const;

export function trajectoryCsv(r: TrajectoryResult): string {
  const rows: Field[][] = r.paths.flatMap((p) => p.points.map(([a, b], k) => [p.laneId, p.steps[k], a, b]));
  return csvText(TRAJECTORY_CSV_HEADER, rows);
}

export const CONVEXITY_CSV_HEADER = ['lane', 'step', 'alpha', 'beta', 'lambda_min', 'lambda_max', 'abs_ratio', 'loss'] as const;

export function convexityCsv(results: readonly ConvexityResult[]): string {
  const rows: Field[][] = results.flatMap((r) =>
    r.betas.flatMap((b, j) =>
      r.alphas.map((a, i) => {
        const k = j * r.alphas.length + i;
        return [r.laneId, r.step, a, b, r.lambdaMin[k], r.lambdaMax[k], r.ratio[k], r.loss[k]];
      }),
    ),
  );
  return csvText(CONVEXITY_CSV_HEADER, rows);
}

export interface Polyline {
  name: string;
  /** (x, y, z) per point. */
  points: Array<[number, number, number]>;
}

/**
 * Paths as VTK XML PolyData (.vtp): one line cell per path, its points in order, with a
 * CellData Int32 "path" index and PointData Float32 "order" (0 … n−1 along the path), so ParaView
 * draws each lane's path over the surface's .vtp (the z of a path point is its loss).
 */
export function polylinesVtp(lines: readonly Polyline[]): string {
  const points = lines.flatMap((l) => l.points);
  let offset = 0;
  const connectivity: number[] = [];
  const offsets: number[] = [];
  for (const l of lines) {
    l.points.forEach((_, k) => connectivity.push(offset + k));
    offset += l.points.length;
    offsets.push(offset);
  }
  const array = (attributes: string, values: readonly number[]) =>
    `        <DataArray ${attributes} format="ascii">${values.map(String).join(' ')}</DataArray>\n`;
  return (
    '<?xml version="1.0"?>\n' +
    '<VTKFile type="PolyData" version="1.0" byte_order="LittleEndian">\n' +
    '  <PolyData>\n' +
    `    <Piece NumberOfPoints="${points.length}" NumberOfVerts="0" NumberOfLines="${lines.length}" ` +
    'NumberOfStrips="0" NumberOfPolys="0">\n' +
    '      <PointData Scalars="order">\n' +
    array(
      'type="Float32" Name="order"',
      lines.flatMap((l) => l.points.map((_, k) => k)),
    ) +
    '      </PointData>\n' +
    '      <CellData Scalars="path">\n' +
    array(
      'type="Int32" Name="path"',
      lines.map((_, i) => i),
    ) +
    '      </CellData>\n' +
    '      <Points>\n' +
    array('type="Float64" Name="Points" NumberOfComponents="3"', points.flat()) +
    '      </Points>\n' +
    '      <Lines>\n' +
    array('type="Int32" Name="connectivity"', connectivity) +
    array('type="Int32" Name="offsets"', offsets) +
    '      </Lines>\n' +
    '    </Piece>\n' +
    '  </PolyData>\n' +
    '</VTKFile>\n'
  );
}

/** The trajectory paths with z = 0 (their loss is only known on the grid; ParaView can probe it). */
export function trajectoryPathsVtp(r: TrajectoryResult): string {
  return polylinesVtp(r.paths.map((p) => ({ name: p.laneId, points: p.points.map(([a, b]) => [a, b, 0] as [number, number, number]) })));
}

/** The straight path and the Bézier curve on their plane, with z = their training loss. */
export function connectivityPathsVtp(r: ConnectivityResult): string {
  if (!r.plane) throw new Error('this connectivity result has no plane (the bend was not trained)');
  const plane = r.plane;
  const line = (name: 'linear' | 'bezier') => {
    const path = r[name];
    return { name, points: plane[name].map(([x, y], k) => [x, y, path?.train.loss[k] ?? 0] as [number, number, number]) };
  };
  return polylinesVtp([line('linear'), line('bezier')]);
}
