import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import * as THREE from 'three';
import { boxCenter, boxFrame, boxScaffold, type BoxFrame } from '../shared/three/boxFrame';
import { clearGroup } from '../shared/three/dispose';
import { floorContours, rimmedBall, surfaceGeometry, surfaceMaterial } from '../shared/three/heightField';
import { lineSegments } from '../shared/three/lines';
import { OrbitStage, SURFACE_LIGHTS } from '../shared/three/orbitStage';
import { Readout, WebGLUnavailable } from '../shared/three/overlays';
import { useOrbitStage } from '../shared/three/useOrbitStage';
import { nearestIndex, readoutText, sampleGrid, scaledContourBands, type ColorScale } from '../shared/plot/colors';
import type { SurfaceGrid } from '../shared/plot/surfaceGrid';

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
}

export interface SurfaceViewProps {
  /** Lane name, shown above the canvas. */
  title: string;
  /** Lane colour (#rrggbb): title swatch and origin marker. */
  color: string;
  grid: SurfaceGrid;
  /** Shared by all views so lanes compare at a glance. */
  scale: ColorScale;
  wireframe: boolean;
  /** Synchronized camera: when it changes (from another view), it is applied here. */
  camera: CameraState | null;
  /** Called when the user orbits/zooms/pans this view. */
  onCameraChange(state: CameraState): void;
  /** Canvas height in CSS pixels; default 260. */
  height?: number;
  /** Paths over the surface (e.g. trajectories), drawn on it at the interpolated loss; start hollow, end filled. */
  paths?: Array<{ color: string; points: Array<[number, number]> }>;
  /** Replaces the lane's marker at the origin and the default tooltip (a plane that is not a lane's). */
  tooltip?: string;
  showOrigin?: boolean;
}

const DEFAULT_HEIGHT = 260;
const CONTOUR_LEVELS = 10;
const CAMERA_TOLERANCE = 1e-5;
const WRAPPER_HELP =
  'Drag to orbit, scroll to zoom, right-drag to pan; hover for values. ' +
  'Keyboard (when focused): arrow keys pan, Shift+arrows orbit, + / − zoom.';

interface ContentOptions {
  paths: NonNullable<SurfaceViewProps['paths']>;
  showOrigin: boolean;
}

const NO_PATHS: NonNullable<SurfaceViewProps['paths']> = [];

interface Stage {
  orbit: OrbitStage;
  /** Everything derived from grid/scale/colour; rebuilt as a whole. */
  content: THREE.Group;
  surface: THREE.Mesh | null;
  wire: THREE.Object3D | null;
  wireframe: boolean;
  /** True while applying a camera from props, so it is not echoed back through onCameraChange. */
  silent: boolean;
  cameraReady: boolean;
}

// ---------------------------------------------------------------------------
// Scene construction (x = α, y = β, z = normalized loss)
// ---------------------------------------------------------------------------

function isCompleteGrid(grid: SurfaceGrid): boolean {
  const n = grid.xs.length * grid.ys.length;
  return grid.xs.length >= 2 && grid.ys.length >= 2 && grid.loss.length === n;
}

/** Grid lines along rows and columns (not the triangle diagonals) on top of the surface. */
function wireOverlay(surface: THREE.BufferGeometry, nx: number, ny: number): THREE.LineSegments {
  const indices: number[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i + 1 < nx; i++) indices.push(j * nx + i, j * nx + i + 1);
  for (let i = 0; i < nx; i++) for (let j = 0; j + 1 < ny; j++) indices.push(j * nx + i, (j + 1) * nx + i);
  const geometry = new THREE.BufferGeometry();
  const position = surface.getAttribute('position');
  geometry.setAttribute('position', new THREE.BufferAttribute(Float32Array.from(position.array), 3));
  geometry.setIndex(indices);
  const material = new THREE.LineBasicMaterial({ color: 0x1f2a30, transparent: true, opacity: 0.35 });
  return new THREE.LineSegments(geometry, material);
}

/** Sphere at (0, 0, loss there) in the lane colour, with a white rim and a stem down to the floor. */
function originMarker(grid: SurfaceGrid, scale: ColorScale, f: BoxFrame, laneColor: string): THREE.Group | null {
  const loss = sampleGrid(grid, grid.loss, 0, 0);
  if (loss === null) return null;
  const z = scale.normalize(loss) * f.zTop;
  const color = new THREE.Color(laneColor);
  const ball = rimmedBall(0.028 * f.span, 1.35, color);
  ball.position.set(0, 0, z);
  const stem = lineSegments([0, 0, f.zFloor, 0, 0, z], color);
  return new THREE.Group().add(stem, ball);
}

/** Sub-points per path segment, so a drawn path follows the surface between its points. */
const PATH_SUBDIVISIONS = 8;

/**
 * The height of the drawn mesh at (x, y): linear on the cell's triangle (the mesh splits each cell
 * along its (i, j)–(i+1, j+1) diagonal) in normalized heights, so a path never dips under the faces.
 */
function meshHeight(grid: SurfaceGrid, scale: ColorScale, x: number, y: number): number | null {
  const { xs, ys } = grid;
  if (x < xs[0] || x > xs[xs.length - 1] || y < ys[0] || y > ys[ys.length - 1]) return null;
  const cell = (axis: number[], v: number) => Math.min(axis.length - 2, Math.max(0, axis.findIndex((a, k) => v <= axis[k + 1]) ?? 0));
  const i = cell(xs, x);
  const j = cell(ys, y);
  const fu = (x - xs[i]) / (xs[i + 1] - xs[i]);
  const fv = (y - ys[j]) / (ys[j + 1] - ys[j]);
  const h = (a: number, b: number) => scale.normalize(grid.loss[(j + b) * xs.length + i + a]);
  const [h00, h10, h01, h11] = [h(0, 0), h(1, 0), h(0, 1), h(1, 1)];
  return fu >= fv ? h00 + fu * (h10 - h00) + fv * (h11 - h10) : h00 + fv * (h01 - h00) + fu * (h11 - h01);
}

/** A path lifted onto the surface (slightly above it), with a hollow start and a filled end. */
function pathOnSurface(grid: SurfaceGrid, scale: ColorScale, f: BoxFrame, color: string, points: Array<[number, number]>): THREE.Group {
  const radius = 0.012 * f.span;
  const at = (x: number, y: number): [number, number, number] | null => {
    const height = meshHeight(grid, scale, x, y);
    return height === null ? null : [x, y, height * f.zTop + 2 * radius];
  };
  const lifted: THREE.Vector3[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [x0, y0] = points[k];
    const [x1, y1] = points[k + 1];
    for (let s = 0; s <= PATH_SUBDIVISIONS; s++) {
      if (s === PATH_SUBDIVISIONS && k + 2 < points.length) continue;
      const p = at(x0 + ((x1 - x0) * s) / PATH_SUBDIVISIONS, y0 + ((y1 - y0) * s) / PATH_SUBDIVISIONS);
      if (p) lifted.push(new THREE.Vector3(...p));
    }
  }
  const group = new THREE.Group();
  if (lifted.length >= 2) {
    // A tube, not a line: WebGL draws lines one pixel wide, which vanish on a dark surface.
    const tube = new THREE.TubeGeometry(new THREE.CatmullRomCurve3(lifted), lifted.length * 2, radius, 6, false);
    group.add(new THREE.Mesh(tube, new THREE.MeshBasicMaterial({ color: new THREE.Color(color) })));
  }
  const ends: Array<[[number, number] | undefined, boolean]> = [
    [points[0], false],
    [points[points.length - 1], true],
  ];
  for (const [point, filled] of ends) {
    const p = point ? at(...point) : null;
    if (!p) continue;
    const ball = rimmedBall(0.02 * f.span, 1.35, new THREE.Color(filled ? color : '#ffffff'));
    ball.position.set(...p);
    group.add(ball);
  }
  return group;
}

function buildContent(stage: Stage, grid: SurfaceGrid, scale: ColorScale, laneColor: string, options: ContentOptions): BoxFrame {
  clearGroup(stage.content);
  stage.surface = null;
  stage.wire = null;
  const f = boxFrame(grid.xs, grid.ys);
  stage.content.add(...boxScaffold(f, ['α', 'β', 'loss']));
  if (!isCompleteGrid(grid)) return f;
  const geometry = surfaceGeometry({ xs: grid.xs, ys: grid.ys, values: grid.loss }, scale, f);
  const surface = new THREE.Mesh(geometry, surfaceMaterial());
  const wire = wireOverlay(geometry, grid.xs.length, grid.ys.length);
  wire.visible = stage.wireframe;
  stage.surface = surface;
  stage.wire = wire;
  stage.content.add(surface, wire, floorContours(scaledContourBands(grid, scale, CONTOUR_LEVELS), grid, scale, f));
  const marker = options.showOrigin ? originMarker(grid, scale, f, laneColor) : null;
  if (marker) stage.content.add(marker);
  for (const path of options.paths) stage.content.add(pathOnSurface(grid, scale, f, path.color, path.points));
  return f;
}

// ---------------------------------------------------------------------------
// Camera
// ---------------------------------------------------------------------------

function cameraState(stage: Stage): CameraState {
  const p = stage.orbit.camera.position;
  const t = stage.orbit.controls.target;
  return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z] };
}

function nearlyEqual(a: number[], b: number[]): boolean {
  return a.every((v, k) => Math.abs(v - b[k]) <= CAMERA_TOLERANCE * Math.max(1, Math.abs(v), Math.abs(b[k])));
}

function sameCamera(a: CameraState, b: CameraState): boolean {
  return nearlyEqual(a.position, b.position) && nearlyEqual(a.target, b.target);
}

function applyCamera(stage: Stage, state: CameraState): void {
  stage.silent = true;
  stage.orbit.camera.position.set(...state.position);
  stage.orbit.controls.target.set(...state.target);
  stage.orbit.controls.update();
  stage.silent = false;
  stage.orbit.render();
}

function defaultCamera(f: BoxFrame): CameraState {
  const [cx, cy, cz] = boxCenter(f);
  const s = f.span;
  return { position: [cx + 1.0 * s, cy - 1.7 * s, cz + 1.15 * s], target: [cx, cy, cz] };
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

function createStage(host: HTMLElement, keyTarget: HTMLElement, onUserCamera: (s: CameraState) => void): Stage {
  const orbit = new OrbitStage(host, keyTarget, { lights: SURFACE_LIGHTS });
  const content = new THREE.Group();
  orbit.scene.add(content);
  const stage: Stage = { orbit, content, surface: null, wire: null, wireframe: false, silent: false, cameraReady: false };
  orbit.controls.addEventListener('change', () => {
    if (!stage.silent) onUserCamera(cameraState(stage));
  });
  orbit.trackSize();
  return stage;
}

/** Nearest grid node under the pointer, or null when the pointer is off the surface. */
function pickNode(stage: Stage, grid: SurfaceGrid, clientX: number, clientY: number): [number, number] | null {
  if (!stage.surface) return null;
  const hit = stage.orbit.pick([stage.surface], clientX, clientY);
  if (!hit) return null;
  return [nearestIndex(grid.xs, hit.point.x), nearestIndex(grid.ys, hit.point.y)];
}

/** The lane's colour swatch and name above a view; `prefix` names the classes (`${prefix}-title` …). */
export function LaneTitle({ prefix, title, color, tooltip }: { prefix: string; title: string; color: string; tooltip: string }) {
  return (
    <div className={`${prefix}-title`} title={tooltip}>
      <span className={`${prefix}-swatch`} style={{ background: color }} aria-hidden="true" />
      <span className={`${prefix}-name`}>{title}</span>
    </div>
  );
}

/**
 * 3D view of one lane's loss surface (x = α, y = β, z and colour = loss on the shared scale),
 * with contours projected onto the floor and the lane's own weights (α = β = 0) marked.
 */
export function SurfaceView(props: SurfaceViewProps) {
  const { title, color, grid, scale, wireframe, camera, onCameraChange, height = DEFAULT_HEIGHT } = props;
  const { paths = NO_PATHS, tooltip, showOrigin = true } = props;
  const onCameraChangeRef = useRef(onCameraChange);
  const { wrapperRef, hostRef, stageRef, unavailable, onKeyDown } = useOrbitStage((host, keyTarget) =>
    createStage(host, keyTarget, (s) => onCameraChangeRef.current(s)),
  );
  const [readout, setReadout] = useState<string | null>(null);

  useLayoutEffect(() => {
    onCameraChangeRef.current = onCameraChange;
  }, [onCameraChange]);

  useEffect(() => {
    stageRef.current?.orbit.renderer.domElement.setAttribute('aria-label', `3D loss surface of ${title}`);
  }, [stageRef, title]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const f = buildContent(stage, grid, scale, color, { paths, showOrigin });
    stage.orbit.fitDepth(f.span);
    if (!stage.cameraReady) {
      stage.cameraReady = true;
      applyCamera(stage, defaultCamera(f));
    }
    stage.orbit.render();
  }, [stageRef, grid, scale, color, paths, showOrigin]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    stage.wireframe = wireframe;
    if (stage.wire) stage.wire.visible = wireframe;
    stage.orbit.render();
  }, [stageRef, wireframe]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage || !camera || sameCamera(camera, cameraState(stage))) return;
    applyCamera(stage, camera);
  }, [stageRef, camera]);

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const stage = stageRef.current;
    const node = stage ? pickNode(stage, grid, e.clientX, e.clientY) : null;
    setReadout(node ? readoutText(grid, node[0], node[1]) : null);
  };

  return (
    <div ref={wrapperRef} className="surface-view" data-testid="surface-view" tabIndex={0} title={WRAPPER_HELP} onKeyDown={onKeyDown}>
      <LaneTitle
        prefix="surface"
        title={title}
        color={color}
        tooltip={
          tooltip ??
          `${title}: loss around this lane's weights along two filter-normalized random directions (α, ` +
            `β). Height and colour use the scale shared by all lanes; the dot marks the lane's own weights ` +
            `(α = β = 0).`
        }
      />
      <div className="surface-stage" style={{ height }} onPointerMove={onPointerMove} onPointerLeave={() => setReadout(null)}>
        <div ref={hostRef} className="surface-canvas" />
        <Readout className="surface-readout" title="Values at the grid point nearest the pointer" text={readout} />
        <WebGLUnavailable className="surface-unavailable" show={unavailable} />
      </div>
    </div>
  );
}
