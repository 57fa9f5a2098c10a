import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import {
  axisAt,
  colorAtNormalized,
  contourBands,
  isoSegments,
  nearestIndex,
  normalizedLevels,
  normalizedValues,
  readoutText,
  sampleGrid,
  type ColorScale,
} from './colors';

export interface SurfaceGrid {
  /** α coordinates (x axis) and β coordinates (y axis) of a rectilinear grid, ascending. */
  xs: number[];
  ys: number[];
  /** loss[j * xs.length + i] at (xs[i], ys[j]); accuracy likewise in [0,1]. Finite numbers (the caller passes complete grids only). */
  loss: number[];
  accuracy: number[];
}

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
}

const DEFAULT_HEIGHT = 260;
/** Height of the full normalized loss range, relative to the larger horizontal span of the grid. */
const VERTICAL_RATIO = 0.6;
/** The contour floor sits this fraction of the vertical extent below the lowest possible surface point. */
const FLOOR_OFFSET = 0.3;
const CONTOUR_LEVELS = 10;
const CAMERA_TOLERANCE = 1e-5;
const KEY_ZOOM = 1.1;
const WRAPPER_HELP =
  'Drag to orbit, scroll to zoom, right-drag to pan; hover for values. ' +
  'Keyboard (when focused): arrow keys pan, Shift+arrows orbit, + / − zoom.';

/** World-space layout of one grid: x = α, y = β, z = normalized loss × zTop. */
interface Frame {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  span: number;
  zTop: number;
  zFloor: number;
}

interface Stage {
  renderer: THREE.WebGLRenderer;
  scene: THREE.Scene;
  camera: THREE.PerspectiveCamera;
  controls: OrbitControls;
  /** Everything derived from grid/scale/colour; rebuilt as a whole. */
  content: THREE.Group;
  surface: THREE.Mesh | null;
  wire: THREE.Object3D | null;
  wireframe: boolean;
  raycaster: THREE.Raycaster;
  /** True while applying a camera from props, so it is not echoed back through onCameraChange. */
  silent: boolean;
  cameraReady: boolean;
  resizeObserver: ResizeObserver;
  render(): void;
}

// ---------------------------------------------------------------------------
// Scene construction
// ---------------------------------------------------------------------------

function gridFrame(grid: SurfaceGrid): Frame {
  const x0 = grid.xs[0] ?? -1;
  const x1 = grid.xs[grid.xs.length - 1] ?? 1;
  const y0 = grid.ys[0] ?? -1;
  const y1 = grid.ys[grid.ys.length - 1] ?? 1;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const zTop = VERTICAL_RATIO * span;
  return { x0, x1, y0, y1, span, zTop, zFloor: -FLOOR_OFFSET * zTop };
}

function isCompleteGrid(grid: SurfaceGrid): boolean {
  const n = grid.xs.length * grid.ys.length;
  return grid.xs.length >= 2 && grid.ys.length >= 2 && grid.loss.length === n;
}

/** The scale's colours are sRGB; three.js works in linear space, so convert on the way in. */
function linearColor(rgb: [number, number, number]): THREE.Color {
  return new THREE.Color().setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace);
}

function surfaceGeometry(grid: SurfaceGrid, scale: ColorScale, f: Frame): THREE.BufferGeometry {
  const nx = grid.xs.length;
  const ny = grid.ys.length;
  const positions = new Float32Array(nx * ny * 3);
  const colors = new Float32Array(nx * ny * 3);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const v = grid.loss[k];
      positions.set([grid.xs[i], grid.ys[j], scale.normalize(v) * f.zTop], k * 3);
      const c = linearColor(scale.color(v));
      colors.set([c.r, c.g, c.b], k * 3);
    }
  }
  const indices: number[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = j * nx + i;
      const b = a + 1;
      const c = a + nx;
      const d = c + 1;
      indices.push(a, b, d, a, d, c);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
  geometry.setIndex(indices);
  geometry.computeVertexNormals();
  return geometry;
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

function contourLines(grid: SurfaceGrid, scale: ColorScale, f: Frame): THREE.LineSegments {
  const nx = grid.xs.length;
  const ny = grid.ys.length;
  const positions: number[] = [];
  const colors: number[] = [];
  for (const band of contourBands(grid, normalizedValues(grid, scale), normalizedLevels(CONTOUR_LEVELS))) {
    const c = linearColor(colorAtNormalized(scale, band.level));
    for (const [u0, v0, u1, v1] of isoSegments(band, nx, ny)) {
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
  const material = new THREE.MeshBasicMaterial({ color: 0xf1f3f5, side: THREE.DoubleSide });
  const mesh = new THREE.Mesh(geometry, material);
  // Slightly below the contour lines so they never z-fight with it.
  mesh.position.set((f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, f.zFloor - 0.002 * f.span);
  return mesh;
}

/** Bounding box edges plus the α = 0 and β = 0 axes on the floor, for orientation. */
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

/** Sphere at (0, 0, loss there) in the lane colour, with a white rim and a stem down to the floor. */
function originMarker(grid: SurfaceGrid, scale: ColorScale, f: Frame, laneColor: string): THREE.Group | null {
  const loss = sampleGrid(grid, grid.loss, 0, 0);
  if (loss === null) return null;
  const z = scale.normalize(loss) * f.zTop;
  const color = new THREE.Color(laneColor);
  const radius = 0.028 * f.span;
  const group = new THREE.Group();
  const sphere = new THREE.Mesh(new THREE.SphereGeometry(radius, 20, 14), new THREE.MeshLambertMaterial({ color }));
  const rim = new THREE.Mesh(
    new THREE.SphereGeometry(radius * 1.35, 20, 14),
    new THREE.MeshBasicMaterial({ color: 0xffffff, side: THREE.BackSide }),
  );
  sphere.position.set(0, 0, z);
  rim.position.set(0, 0, z);
  const stemGeometry = new THREE.BufferGeometry();
  stemGeometry.setAttribute('position', new THREE.Float32BufferAttribute([0, 0, f.zFloor, 0, 0, z], 3));
  const stem = new THREE.LineSegments(stemGeometry, new THREE.LineBasicMaterial({ color }));
  group.add(stem, rim, sphere);
  return group;
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
  const group = new THREE.Group();
  const alpha = textSprite('α', size);
  alpha.position.set((f.x0 + f.x1) / 2, f.y0 - 0.12 * f.span, f.zFloor);
  const beta = textSprite('β', size);
  beta.position.set(f.x1 + 0.12 * f.span, (f.y0 + f.y1) / 2, f.zFloor);
  const loss = textSprite('loss', size);
  loss.position.set(f.x0, f.y1, f.zTop + 0.08 * f.span);
  group.add(alpha, beta, loss);
  return group;
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

function buildContent(stage: Stage, grid: SurfaceGrid, scale: ColorScale, laneColor: string): Frame {
  disposeObject(stage.content);
  stage.content.clear();
  stage.surface = null;
  stage.wire = null;
  const f = gridFrame(grid);
  stage.content.add(floorPlane(f), frameLines(f), axisLabels(f));
  if (!isCompleteGrid(grid)) return f;
  const geometry = surfaceGeometry(grid, scale, f);
  const material = new THREE.MeshLambertMaterial({
    vertexColors: true,
    side: THREE.DoubleSide,
    // Pushes the surface back a little so the wireframe overlay wins the depth test.
    polygonOffset: true,
    polygonOffsetFactor: 1,
    polygonOffsetUnits: 1,
  });
  const surface = new THREE.Mesh(geometry, material);
  const wire = wireOverlay(geometry, grid.xs.length, grid.ys.length);
  wire.visible = stage.wireframe;
  stage.surface = surface;
  stage.wire = wire;
  stage.content.add(surface, wire, contourLines(grid, scale, f));
  const marker = originMarker(grid, scale, f, laneColor);
  if (marker) stage.content.add(marker);
  return f;
}

// ---------------------------------------------------------------------------
// Camera
// ---------------------------------------------------------------------------

function cameraState(stage: Stage): CameraState {
  const p = stage.camera.position;
  const t = stage.controls.target;
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
  stage.camera.position.set(...state.position);
  stage.controls.target.set(...state.target);
  stage.controls.update();
  stage.silent = false;
  stage.render();
}

function defaultCamera(f: Frame): CameraState {
  const cx = (f.x0 + f.x1) / 2;
  const cy = (f.y0 + f.y1) / 2;
  const cz = (f.zTop + f.zFloor) / 2;
  const s = f.span;
  return { position: [cx + 1.0 * s, cy - 1.7 * s, cz + 1.15 * s], target: [cx, cy, cz] };
}

function fitClipping(stage: Stage, f: Frame): void {
  stage.camera.near = f.span / 100;
  stage.camera.far = f.span * 100;
  stage.camera.updateProjectionMatrix();
  stage.controls.minDistance = f.span * 0.2;
  stage.controls.maxDistance = f.span * 20;
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

function resizeStage(stage: Stage, host: HTMLElement): void {
  const width = Math.max(1, host.clientWidth);
  const height = Math.max(1, host.clientHeight);
  stage.renderer.setSize(width, height, false);
  stage.camera.aspect = width / height;
  stage.camera.updateProjectionMatrix();
  stage.render();
}

function createStage(host: HTMLElement, keyTarget: HTMLElement, onUserCamera: (s: CameraState) => void): Stage {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(0xffffff, 1);
  const canvas = renderer.domElement;
  canvas.setAttribute('role', 'img');
  canvas.style.width = '100%';
  canvas.style.height = '100%';
  canvas.style.display = 'block';
  host.appendChild(canvas);

  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, 1, 0.01, 100);
  camera.up.set(0, 0, 1); // z is the loss axis; must be set before OrbitControls reads it
  const controls = new OrbitControls(camera, canvas);
  controls.listenToKeyEvents(keyTarget);
  // Lambert divides by π since three r155, hence the π factors to keep viridis colours bright.
  const ambient = new THREE.AmbientLight(0xffffff, 0.65 * Math.PI);
  const sun = new THREE.DirectionalLight(0xffffff, 0.55 * Math.PI);
  sun.position.set(0.4, -0.6, 1);
  const content = new THREE.Group();
  scene.add(ambient, sun, content);

  const stage: Stage = {
    renderer, scene, camera, controls, content,
    surface: null, wire: null, wireframe: false,
    raycaster: new THREE.Raycaster(),
    silent: false, cameraReady: false,
    resizeObserver: new ResizeObserver(() => resizeStage(stage, host)),
    render: () => renderer.render(scene, camera),
  };
  controls.addEventListener('change', () => {
    stage.render();
    if (!stage.silent) onUserCamera(cameraState(stage));
  });
  stage.resizeObserver.observe(host);
  resizeStage(stage, host);
  return stage;
}

function destroyStage(stage: Stage): void {
  stage.resizeObserver.disconnect();
  stage.controls.dispose();
  disposeObject(stage.scene);
  stage.scene.clear();
  stage.renderer.dispose();
  stage.renderer.forceContextLoss();
  stage.renderer.domElement.remove();
}

/** Nearest grid node under the pointer, or null when the pointer is off the surface. */
function pickNode(stage: Stage, grid: SurfaceGrid, clientX: number, clientY: number): [number, number] | null {
  if (!stage.surface) return null;
  const rect = stage.renderer.domElement.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return null;
  const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
  stage.raycaster.setFromCamera(ndc, stage.camera);
  const hit = stage.raycaster.intersectObject(stage.surface, false)[0];
  if (!hit) return null;
  return [nearestIndex(grid.xs, hit.point.x), nearestIndex(grid.ys, hit.point.y)];
}

/**
 * 3D view of one lane's loss surface (x = α, y = β, z and colour = loss on the shared scale),
 * with contours projected onto the floor and the lane's own weights (α = β = 0) marked.
 */
export function SurfaceView(props: SurfaceViewProps) {
  const { title, color, grid, scale, wireframe, camera, onCameraChange, height = DEFAULT_HEIGHT } = props;
  const wrapperRef = useRef<HTMLDivElement>(null);
  const canvasHostRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Stage | null>(null);
  const onCameraChangeRef = useRef(onCameraChange);
  const [readout, setReadout] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  useLayoutEffect(() => {
    onCameraChangeRef.current = onCameraChange;
  }, [onCameraChange]);

  useEffect(() => {
    const host = canvasHostRef.current;
    const wrapper = wrapperRef.current;
    if (!host || !wrapper) return;
    let stage: Stage;
    try {
      stage = createStage(host, wrapper, (s) => onCameraChangeRef.current(s));
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
    stageRef.current?.renderer.domElement.setAttribute('aria-label', `3D loss surface of ${title}`);
  }, [title]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const f = buildContent(stage, grid, scale, color);
    fitClipping(stage, f);
    if (!stage.cameraReady) {
      stage.cameraReady = true;
      applyCamera(stage, defaultCamera(f));
    }
    stage.render();
  }, [grid, scale, color]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    stage.wireframe = wireframe;
    if (stage.wire) stage.wire.visible = wireframe;
    stage.render();
  }, [wireframe]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage || !camera || sameCamera(camera, cameraState(stage))) return;
    applyCamera(stage, camera);
  }, [camera]);

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const stage = stageRef.current;
    const node = stage ? pickNode(stage, grid, e.clientX, e.clientY) : null;
    setReadout(node ? readoutText(grid, node[0], node[1]) : null);
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
    <div
      ref={wrapperRef}
      className="surface-view"
      data-testid="surface-view"
      tabIndex={0}
      title={WRAPPER_HELP}
      onKeyDown={onKeyDown}
    >
      <div
        className="surface-title"
        title={`${title}: loss around this lane's weights along two filter-normalized random directions (α, β). Height and colour use the scale shared by all lanes; the dot marks the lane's own weights (α = β = 0).`}
      >
        <span className="surface-swatch" style={{ background: color }} aria-hidden="true" />
        <span className="surface-name">{title}</span>
      </div>
      <div
        className="surface-stage"
        style={{ height }}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setReadout(null)}
      >
        <div ref={canvasHostRef} className="surface-canvas" />
        {readout !== null && (
          <div className="surface-readout" role="status" title="Values at the grid point nearest the pointer">
            {readout}
          </div>
        )}
        {unavailable && (
          <div className="surface-unavailable" title="This browser could not create a WebGL context">
            3D view unavailable (WebGL could not start).
          </div>
        )}
      </div>
    </div>
  );
}
