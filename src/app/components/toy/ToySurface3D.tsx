import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';
import { axisAt, colorAtNormalized, isoSegments, type ColorScale } from '../landscape/colors';
import {
  TOY_DEFAULT_HEIGHT,
  currentIndex,
  isCompleteToyGrid,
  lastFiniteIndex,
  toyColorScale,
  toyContourBands,
  toyReadoutText,
  type ToyGrid,
  type ToyTrajectory,
  type ToyViewProps,
} from './ToyContour2D';

export type { ToyGrid, ToyTrajectory, ToyViewProps } from './ToyContour2D';

/** Height of the full normalized value range, relative to the larger horizontal span of the grid. */
const VERTICAL_RATIO = 0.6;
/** The contour floor sits this fraction of the vertical extent below the lowest surface point. */
const FLOOR_OFFSET = 0.3;
/** Trajectories float this fraction of the vertical extent above their heights, so the surface does not hide them. */
const LIFT = 0.02;
const CONTOUR_LEVELS = 14;
const LINE_PX = 3;
const SHADOW_PX = 1.5;
const GHOST_PX = 1.5;
const KEY_ZOOM = 1.1;
const HELP =
  'Drag to orbit, scroll to zoom, right-drag to pan; hover for values. ' +
  'Keyboard (when focused): arrow keys pan, Shift+arrows orbit, + / − zoom.';
const ARIA_LABEL = '3D view of the toy surface with the trajectories';

/** World-space layout: x = p1, y = p2, z = normalized value × zTop. */
interface Frame {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  span: number;
  zTop: number;
  zFloor: number;
}

/** The 3D objects of one trajectory, rebuilt only when its points, colour or the scale change. */
interface TrackEntry {
  points: ToyTrajectory['points'];
  length: number;
  color: string;
  scale: ColorScale;
  group: THREE.Group;
  line: LineSegments2 | null;
  /** The same line without depth test, faint, so parts behind hills stay traceable. */
  ghost: LineSegments2 | null;
  shadow: LineSegments2 | null;
  head: THREE.Group;
  /** Lifted world positions, 3 per point (NaN where missing), used to place the head. */
  lifted: Float32Array;
}

interface Stage {
  renderer: THREE.WebGLRenderer;
  scene: THREE.Scene;
  camera: THREE.PerspectiveCamera;
  controls: OrbitControls;
  /** Surface, contours and frame; rebuilt when grid/log change. */
  content: THREE.Group;
  tracks: THREE.Group;
  entries: Map<string, TrackEntry>;
  surface: THREE.Mesh | null;
  frame: Frame | null;
  /** Keep diverging trajectories inside the box; the planes are moved when the grid changes. */
  clipPlanes: THREE.Plane[];
  resolution: THREE.Vector2;
  raycaster: THREE.Raycaster;
  resizeObserver: ResizeObserver;
  render(): void;
}

// ---------------------------------------------------------------------------
// Surface, floor and frame
// ---------------------------------------------------------------------------

function gridFrame(grid: ToyGrid): Frame {
  const x0 = grid.xs[0] ?? -1;
  const x1 = grid.xs[grid.xs.length - 1] ?? 1;
  const y0 = grid.ys[0] ?? -1;
  const y1 = grid.ys[grid.ys.length - 1] ?? 1;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const zTop = VERTICAL_RATIO * span;
  return { x0, x1, y0, y1, span, zTop, zFloor: -FLOOR_OFFSET * zTop };
}

function sameExtent(a: Frame | null, b: Frame): boolean {
  return a !== null && a.x0 === b.x0 && a.x1 === b.x1 && a.y0 === b.y0 && a.y1 === b.y1;
}

/** The scale's colours are sRGB; three.js works in linear space, so convert on the way in. */
function linearColor(rgb: [number, number, number]): THREE.Color {
  return new THREE.Color().setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace);
}

function gridIndices(nx: number, ny: number): number[] {
  const indices: number[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = j * nx + i;
      indices.push(a, a + 1, a + nx + 1, a, a + nx + 1, a + nx);
    }
  }
  return indices;
}

function surfaceMesh(grid: ToyGrid, scale: ColorScale, f: Frame): THREE.Mesh {
  const nx = grid.xs.length;
  const ny = grid.ys.length;
  const positions = new Float32Array(nx * ny * 3);
  const colors = new Float32Array(nx * ny * 3);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const v = grid.values[k];
      positions.set([grid.xs[i], grid.ys[j], scale.normalize(v) * f.zTop], k * 3);
      const c = linearColor(scale.color(v));
      colors.set([c.r, c.g, c.b], k * 3);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
  geometry.setIndex(gridIndices(nx, ny));
  geometry.computeVertexNormals();
  const material = new THREE.MeshLambertMaterial({
    vertexColors: true,
    side: THREE.DoubleSide,
    // Pushes the surface back a little so lines lying on it win the depth test.
    polygonOffset: true,
    polygonOffsetFactor: 1,
    polygonOffsetUnits: 1,
  });
  return new THREE.Mesh(geometry, material);
}

function floorContours(grid: ToyGrid, scale: ColorScale, f: Frame): THREE.LineSegments {
  const positions: number[] = [];
  const colors: number[] = [];
  for (const band of toyContourBands(grid, scale, CONTOUR_LEVELS)) {
    const c = linearColor(colorAtNormalized(scale, band.level));
    for (const [u0, v0, u1, v1] of isoSegments(band, grid.xs.length, grid.ys.length)) {
      positions.push(axisAt(grid.xs, u0), axisAt(grid.ys, v0), f.zFloor, axisAt(grid.xs, u1), axisAt(grid.ys, v1), f.zFloor);
      colors.push(c.r, c.g, c.b, c.r, c.g, c.b);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.Float32BufferAttribute(colors, 3));
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ vertexColors: true }));
}

function floorPlane(f: Frame): THREE.Mesh {
  const geometry = new THREE.PlaneGeometry(f.x1 - f.x0, f.y1 - f.y0);
  const mesh = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color: 0xf1f3f5, side: THREE.DoubleSide }));
  // Slightly below the contour lines so they never z-fight with it.
  mesh.position.set((f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, f.zFloor - 0.002 * f.span);
  return mesh;
}

/** Bounding box edges plus the p1 = 0 and p2 = 0 axes on the floor, for orientation. */
function frameLines(f: Frame): THREE.LineSegments {
  const { x0, x1, y0, y1, zTop, zFloor } = f;
  const corners: [number, number][] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  const points: number[] = [];
  corners.forEach(([x, y], k) => {
    const [nx, ny] = corners[(k + 1) % 4];
    points.push(x, y, zFloor, nx, ny, zFloor, x, y, zTop, nx, ny, zTop, x, y, zFloor, x, y, zTop);
  });
  if (x0 <= 0 && x1 >= 0) points.push(0, y0, zFloor, 0, y1, zFloor);
  if (y0 <= 0 && y1 >= 0) points.push(x0, 0, zFloor, x1, 0, zFloor);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(points, 3));
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: 0xb4bec4 }));
}

function textSprite(text: string, height: number): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 128;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.font = '600 80px system-ui, sans-serif';
    ctx.fillStyle = '#5f6b72';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, 128, 64);
  }
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, transparent: true, depthWrite: false }));
  sprite.scale.set(height * 2, height, 1);
  return sprite;
}

function axisLabels(f: Frame): THREE.Group {
  const size = 0.075 * f.span;
  const p1 = textSprite('p1', size);
  p1.position.set((f.x0 + f.x1) / 2, f.y0 - 0.12 * f.span, f.zFloor);
  const p2 = textSprite('p2', size);
  p2.position.set(f.x1 + 0.12 * f.span, (f.y0 + f.y1) / 2, f.zFloor);
  const value = textSprite('ℓ', size);
  value.position.set(f.x0, f.y1, f.zTop + 0.08 * f.span);
  return new THREE.Group().add(p1, p2, value);
}

function disposeObject(root: THREE.Object3D): void {
  root.traverse((o) => {
    if (!(o instanceof THREE.Mesh || o instanceof THREE.Line || o instanceof THREE.Sprite)) return;
    // three.js shares one geometry among all sprites; disposing it would only force re-uploads.
    if (!(o instanceof THREE.Sprite)) o.geometry.dispose();
    const materials: THREE.Material[] = Array.isArray(o.material) ? o.material : [o.material];
    for (const m of materials) {
      if ('map' in m && m.map instanceof THREE.Texture) m.map.dispose();
      m.dispose();
    }
  });
}

function clearGroup(group: THREE.Group): void {
  disposeObject(group);
  group.clear();
}

/** Planes keeping x in [x0, x1] and y in [y0, y1] (three.js keeps the side the normal points to). */
function placeClipPlanes(planes: THREE.Plane[], f: Frame): void {
  planes[0].set(new THREE.Vector3(1, 0, 0), -f.x0);
  planes[1].set(new THREE.Vector3(-1, 0, 0), f.x1);
  planes[2].set(new THREE.Vector3(0, 1, 0), -f.y0);
  planes[3].set(new THREE.Vector3(0, -1, 0), f.y1);
}

function buildSurface(stage: Stage, grid: ToyGrid, scale: ColorScale): Frame {
  clearGroup(stage.content);
  stage.surface = null;
  const f = gridFrame(grid);
  placeClipPlanes(stage.clipPlanes, f);
  stage.content.add(floorPlane(f), frameLines(f), axisLabels(f));
  if (!isCompleteToyGrid(grid)) return f;
  stage.surface = surfaceMesh(grid, scale, f);
  stage.content.add(stage.surface, floorContours(grid, scale, f));
  return f;
}

// ---------------------------------------------------------------------------
// Trajectories
// ---------------------------------------------------------------------------

type Points = ToyTrajectory['points'];

/** World positions lifted above the given heights, 3 per point; NaN where p1/p2 is not finite. */
function liftedPositions(points: Points, scale: ColorScale, f: Frame): Float32Array {
  const out = new Float32Array(points.length * 3);
  points.forEach(([p1, p2, h], k) => out.set([p1, p2, (scale.normalize(h) + LIFT) * f.zTop], k * 3));
  return out;
}

function validAt(lifted: Float32Array, k: number): boolean {
  return Number.isFinite(lifted[k * 3]) && Number.isFinite(lifted[k * 3 + 1]);
}

/**
 * Segment k joins points k and k + 1, so drawing the first k segments shows steps 0..k. A segment
 * touching a missing point is parked outside the box, where the clip planes remove it: that
 * breaks the line without renumbering the segments. `z` flattens the line onto a plane.
 */
function segmentPositions(lifted: Float32Array, f: Frame, z?: number): Float32Array {
  const n = lifted.length / 3;
  const out = new Float32Array(Math.max(0, n - 1) * 6);
  const parked = [f.x0 - f.span, f.y0 - f.span, 0];
  for (let k = 0; k + 1 < n; k++) {
    const [ax, ay, az, bx, by, bz] = lifted.subarray(k * 3, k * 3 + 6);
    const ok = validAt(lifted, k) && validAt(lifted, k + 1);
    out.set(ok ? [ax, ay, z ?? az, bx, by, z ?? bz] : [...parked, ...parked], k * 6);
  }
  return out;
}

interface LineStyle {
  widthPx: number;
  opacity?: number;
  depthTest?: boolean;
}

function fatLine(positions: Float32Array, color: THREE.Color, style: LineStyle, stage: Stage): LineSegments2 {
  const { widthPx, opacity = 1, depthTest = true } = style;
  const geometry = new LineSegmentsGeometry();
  geometry.setPositions(positions);
  const material = new LineMaterial({
    color,
    linewidth: widthPx,
    transparent: opacity < 1,
    opacity,
    depthTest,
    depthWrite: depthTest,
    clippingPlanes: stage.clipPlanes,
  });
  material.resolution.copy(stage.resolution);
  const line = new LineSegments2(geometry, material);
  if (!depthTest) line.renderOrder = 1;
  return line;
}

/** Current-point marker: a sphere in the trajectory colour with a white rim. */
function headMarker(color: THREE.Color, f: Frame, planes: THREE.Plane[]): THREE.Group {
  const radius = 0.022 * f.span;
  const sphere = new THREE.Mesh(new THREE.SphereGeometry(radius, 20, 14), new THREE.MeshLambertMaterial({ color, clippingPlanes: planes }));
  const rim = new THREE.Mesh(
    new THREE.SphereGeometry(radius * 1.3, 20, 14),
    new THREE.MeshBasicMaterial({ color: 0xffffff, side: THREE.BackSide, clippingPlanes: planes }),
  );
  return new THREE.Group().add(rim, sphere);
}

/** Start marker: a horizontal ring around the first point. */
function startRing(color: THREE.Color, f: Frame, at: ArrayLike<number>): THREE.Mesh {
  const ring = new THREE.Mesh(
    new THREE.TorusGeometry(0.03 * f.span, 0.006 * f.span, 8, 32),
    new THREE.MeshLambertMaterial({ color }),
  );
  ring.position.set(at[0], at[1], at[2]);
  return ring;
}

function buildTrack(stage: Stage, t: ToyTrajectory, scale: ColorScale, f: Frame): TrackEntry {
  const color = new THREE.Color(t.color);
  const lifted = liftedPositions(t.points, scale, f);
  const group = new THREE.Group();
  const head = headMarker(color, f, stage.clipPlanes);
  const entry: TrackEntry = {
    points: t.points, length: t.points.length, color: t.color, scale, group,
    line: null, ghost: null, shadow: null, head, lifted,
  };
  if (t.points.length >= 2) {
    const segments = segmentPositions(lifted, f);
    entry.line = fatLine(segments, color, { widthPx: LINE_PX }, stage);
    entry.ghost = fatLine(segments, color, { widthPx: GHOST_PX, opacity: 0.35, depthTest: false }, stage);
    const floor = segmentPositions(lifted, f, f.zFloor + 0.003 * f.span);
    entry.shadow = fatLine(floor, color, { widthPx: SHADOW_PX, opacity: 0.75 }, stage);
    group.add(entry.line, entry.ghost, entry.shadow);
  }
  if (t.points.length > 0 && validAt(lifted, 0)) group.add(startRing(color, f, lifted.subarray(0, 3)));
  group.add(head);
  return entry;
}

function isCurrent(entry: TrackEntry, t: ToyTrajectory, scale: ColorScale): boolean {
  return entry.points === t.points && entry.length === t.points.length && entry.color === t.color && entry.scale === scale;
}

/** Reuses unchanged tracks (the common case while animating) and rebuilds or drops the rest. */
function syncTracks(stage: Stage, trajectories: ToyTrajectory[], scale: ColorScale): void {
  const f = stage.frame;
  if (!f) return;
  const seen = new Set<string>();
  for (const t of trajectories) {
    seen.add(t.id);
    const entry = stage.entries.get(t.id);
    if (entry && isCurrent(entry, t, scale)) continue;
    if (entry) removeTrack(stage, t.id, entry);
    const fresh = buildTrack(stage, t, scale, f);
    stage.entries.set(t.id, fresh);
    stage.tracks.add(fresh.group);
  }
  for (const [id, entry] of stage.entries) if (!seen.has(id)) removeTrack(stage, id, entry);
}

function removeTrack(stage: Stage, id: string, entry: TrackEntry): void {
  stage.tracks.remove(entry.group);
  disposeObject(entry.group);
  stage.entries.delete(id);
}

/** The per-frame update: how many segments to draw and where the head sits. */
function showUpTo(stage: Stage, upTo: number): void {
  for (const entry of stage.entries.values()) {
    const k = currentIndex(entry.points, upTo);
    for (const line of [entry.line, entry.ghost, entry.shadow]) {
      if (!line) continue;
      line.geometry.instanceCount = k;
      line.visible = k > 0;
    }
    const at = lastFiniteIndex(entry.points, k);
    entry.head.visible = at >= 0;
    if (at >= 0) entry.head.position.fromArray(entry.lifted, at * 3);
  }
}

// ---------------------------------------------------------------------------
// Stage lifecycle
// ---------------------------------------------------------------------------

function defaultCamera(stage: Stage, f: Frame): void {
  const cx = (f.x0 + f.x1) / 2;
  const cy = (f.y0 + f.y1) / 2;
  const cz = (f.zTop + f.zFloor) / 2;
  const s = f.span;
  stage.camera.position.set(cx + 0.9 * s, cy - 1.5 * s, cz + 1.6 * s);
  stage.camera.near = s / 100;
  stage.camera.far = s * 100;
  stage.camera.updateProjectionMatrix();
  stage.controls.target.set(cx, cy, cz);
  stage.controls.minDistance = s * 0.2;
  stage.controls.maxDistance = s * 20;
  stage.controls.update();
}

function resizeStage(stage: Stage, host: HTMLElement): void {
  const width = Math.max(1, host.clientWidth);
  const height = Math.max(1, host.clientHeight);
  stage.renderer.setSize(width, height, false);
  stage.camera.aspect = width / height;
  stage.camera.updateProjectionMatrix();
  stage.resolution.set(width, height);
  for (const entry of stage.entries.values()) {
    for (const line of [entry.line, entry.ghost, entry.shadow]) line?.material.resolution.copy(stage.resolution);
  }
  stage.render();
}

function createRenderer(host: HTMLElement): THREE.WebGLRenderer {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(0xffffff, 1);
  renderer.localClippingEnabled = true;
  const canvas = renderer.domElement;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ARIA_LABEL);
  Object.assign(canvas.style, { width: '100%', height: '100%', display: 'block' });
  host.appendChild(canvas);
  return renderer;
}

function createStage(host: HTMLElement, keyTarget: HTMLElement): Stage {
  const renderer = createRenderer(host);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, 1, 0.01, 100);
  camera.up.set(0, 0, 1); // z is the value axis; must be set before OrbitControls reads it
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.listenToKeyEvents(keyTarget);
  // Lambert divides by π since three r155, hence the π factors to keep viridis colours bright.
  const ambient = new THREE.AmbientLight(0xffffff, 0.65 * Math.PI);
  const sun = new THREE.DirectionalLight(0xffffff, 0.55 * Math.PI);
  sun.position.set(0.4, -0.6, 1);
  const content = new THREE.Group();
  const tracks = new THREE.Group();
  scene.add(ambient, sun, content, tracks);
  const stage: Stage = {
    renderer, scene, camera, controls, content, tracks,
    entries: new Map(),
    surface: null,
    frame: null,
    clipPlanes: [new THREE.Plane(), new THREE.Plane(), new THREE.Plane(), new THREE.Plane()],
    resolution: new THREE.Vector2(1, 1),
    raycaster: new THREE.Raycaster(),
    resizeObserver: new ResizeObserver(() => resizeStage(stage, host)),
    render: () => renderer.render(scene, camera),
  };
  controls.addEventListener('change', stage.render);
  stage.resizeObserver.observe(host);
  resizeStage(stage, host);
  return stage;
}

function destroyStage(stage: Stage): void {
  stage.resizeObserver.disconnect();
  stage.controls.dispose();
  disposeObject(stage.scene);
  stage.scene.clear();
  stage.entries.clear();
  stage.renderer.dispose();
  stage.renderer.forceContextLoss();
  stage.renderer.domElement.remove();
}

/** The (p1, p2) on the surface under the pointer, or null off the surface. */
function pickPoint(stage: Stage, clientX: number, clientY: number): [number, number] | null {
  if (!stage.surface) return null;
  const rect = stage.renderer.domElement.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return null;
  const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
  stage.raycaster.setFromCamera(ndc, stage.camera);
  const hit = stage.raycaster.intersectObject(stage.surface, false)[0];
  return hit ? [hit.point.x, hit.point.y] : null;
}

/**
 * 3D view of a toy surface ℓ(p1, p2) (height and colour on the viridis scale, contours on the
 * floor) with optimizer trajectories drawn up to step `upTo`. The surface is rebuilt only when
 * grid/log change; trajectory updates only change draw counts and marker positions.
 */
export function ToySurface3D(props: ToyViewProps) {
  const { grid, log, trajectories, upTo, height = TOY_DEFAULT_HEIGHT } = props;
  const wrapperRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Stage | null>(null);
  const scale = useMemo(() => toyColorScale(grid, log), [grid, log]);
  const [readout, setReadout] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    const host = hostRef.current;
    const wrapper = wrapperRef.current;
    if (!host || !wrapper) return;
    let stage: Stage;
    try {
      stage = createStage(host, wrapper);
    } catch {
      setUnavailable(true);
      return;
    }
    stageRef.current = stage;
    return () => {
      stageRef.current = null;
      destroyStage(stage);
    };
  }, []);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const f = buildSurface(stage, grid, scale);
    if (!sameExtent(stage.frame, f)) defaultCamera(stage, f);
    stage.frame = f;
    stage.render();
  }, [grid, scale]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    syncTracks(stage, trajectories, scale);
    showUpTo(stage, upTo);
    stage.render();
  }, [trajectories, scale, upTo]);

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const stage = stageRef.current;
    const at = stage ? pickPoint(stage, e.clientX, e.clientY) : null;
    setReadout(at ? toyReadoutText(grid, at[0], at[1]) : null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const controls = stageRef.current?.controls;
    if (!controls) return;
    // OrbitControls has no keyboard zoom; dollyOut moves the camera closer.
    if (e.key === '+' || e.key === '=') controls.dollyOut(KEY_ZOOM);
    else if (e.key === '-' || e.key === '_') controls.dollyIn(KEY_ZOOM);
    else return;
    e.preventDefault();
  };

  return (
    <div ref={wrapperRef} className="toy-view toy-3d" data-testid="toy-3d" tabIndex={0} title={HELP} onKeyDown={onKeyDown}>
      <div className="toy-stage" style={{ height }} onPointerMove={onPointerMove} onPointerLeave={() => setReadout(null)}>
        <div ref={hostRef} className="toy-canvas" />
        {readout !== null && (
          <div className="toy-readout" role="status" title="Coordinates and interpolated loss on the surface under the pointer">
            {readout}
          </div>
        )}
        {unavailable && (
          <div className="toy-unavailable" title="This browser could not create a WebGL context">
            3D view unavailable (WebGL could not start).
          </div>
        )}
      </div>
    </div>
  );
}
