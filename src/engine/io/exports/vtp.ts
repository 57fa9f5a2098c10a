/** A landscape surface as VTK XML PolyData (.vtp), for ParaView. */
import { readNumber } from '../csv';
import type { SurfaceResult } from '../../landscape/config';

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
    `    <Piece NumberOfPoints="${nodes.length}" NumberOfVerts="0" NumberOfLines="0" NumberOfStrips="0" ` +
    `NumberOfPolys="${cells.length}">\n` +
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
