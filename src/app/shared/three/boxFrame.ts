import * as THREE from 'three';
import { lineSegments } from './lines';
import { textSprite } from './sprites';

/** Height of the full normalized value range, relative to the larger horizontal span of the grid. */
const VERTICAL_RATIO = 0.6;
/** The contour floor sits this fraction of the vertical extent below the lowest possible surface point. */
const FLOOR_OFFSET = 0.3;

/** World-space layout of a height field over a grid: x and y as the grid axes, z = normalized height × zTop. */
export interface BoxFrame {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  span: number;
  zTop: number;
  zFloor: number;
}

/** The frame around a grid with ascending axes (a unit box when an axis is empty). */
export function boxFrame(xs: number[], ys: number[]): BoxFrame {
  const x0 = xs[0] ?? -1;
  const x1 = xs[xs.length - 1] ?? 1;
  const y0 = ys[0] ?? -1;
  const y1 = ys[ys.length - 1] ?? 1;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const zTop = VERTICAL_RATIO * span;
  return { x0, x1, y0, y1, span, zTop, zFloor: -FLOOR_OFFSET * zTop };
}

/** Centre of the box, the usual orbit target. */
export function boxCenter(f: BoxFrame): [number, number, number] {
  return [(f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, (f.zTop + f.zFloor) / 2];
}

function floorPlane(f: BoxFrame): THREE.Mesh {
  const geometry = new THREE.PlaneGeometry(f.x1 - f.x0, f.y1 - f.y0);
  const material = new THREE.MeshBasicMaterial({ color: 0xf1f3f5, side: THREE.DoubleSide });
  const mesh = new THREE.Mesh(geometry, material);
  // Slightly below the contour lines so they never z-fight with it.
  mesh.position.set((f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, f.zFloor - 0.002 * f.span);
  return mesh;
}

/** Bounding box edges plus the x = 0 and y = 0 axes on the floor, for orientation. */
function frameLines(f: BoxFrame): THREE.LineSegments {
  const { x0, x1, y0, y1, zTop, zFloor } = f;
  const corners: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  const points: number[] = [];
  corners.forEach(([x, y], k) => {
    const [nx, ny] = corners[(k + 1) % 4];
    points.push(x, y, zFloor, nx, ny, zFloor, x, y, zTop, nx, ny, zTop, x, y, zFloor, x, y, zTop);
  });
  if (x0 <= 0 && x1 >= 0) points.push(0, y0, zFloor, 0, y1, zFloor);
  if (y0 <= 0 && y1 >= 0) points.push(x0, 0, zFloor, x1, 0, zFloor);
  return lineSegments(points, 0xb4bec4);
}

/** Names of the x and y axes on the floor, beside the front and right edges, and of z above the back-left corner. */
function axisLabels(f: BoxFrame, names: [string, string, string]): THREE.Group {
  const size = 0.075 * f.span;
  const x = textSprite(names[0], size);
  x.position.set((f.x0 + f.x1) / 2, f.y0 - 0.12 * f.span, f.zFloor);
  const y = textSprite(names[1], size);
  y.position.set(f.x1 + 0.12 * f.span, (f.y0 + f.y1) / 2, f.zFloor);
  const z = textSprite(names[2], size);
  z.position.set(f.x0, f.y1, f.zTop + 0.08 * f.span);
  return new THREE.Group().add(x, y, z);
}

/** The ends of an axis and its 0 when inside: where the floor gets a tick and a number. */
function axisTicks(lo: number, hi: number): number[] {
  return [...new Set([lo, ...(lo < 0 && hi > 0 ? [0] : []), hi])];
}

function tickText(t: number): string {
  return String(Number(t.toPrecision(3)));
}

/** Ticks with numbers along the front (x) and right (y) floor edges, so a still image keeps its scale. */
function axisTickMarks(f: BoxFrame): THREE.Group {
  const size = 0.085 * f.span;
  const mark = 0.03 * f.span;
  const group = new THREE.Group();
  const points: number[] = [];
  for (const x of axisTicks(f.x0, f.x1)) {
    points.push(x, f.y0, f.zFloor, x, f.y0 - mark, f.zFloor);
    const label = textSprite(tickText(x), size);
    label.position.set(x, f.y0 - mark - 0.05 * f.span, f.zFloor);
    group.add(label);
  }
  for (const y of axisTicks(f.y0, f.y1)) {
    points.push(f.x1, y, f.zFloor, f.x1 + mark, y, f.zFloor);
    const label = textSprite(tickText(y), size);
    label.position.set(f.x1 + mark + 0.06 * f.span, y, f.zFloor);
    group.add(label);
  }
  return group.add(lineSegments(points, 0x8a969c));
}

/** Floor, box edges, axis ticks and names: the parts of the scene that do not depend on the values. */
export function boxScaffold(f: BoxFrame, names: [string, string, string]): THREE.Object3D[] {
  return [floorPlane(f), frameLines(f), axisTickMarks(f), axisLabels(f, names)];
}
