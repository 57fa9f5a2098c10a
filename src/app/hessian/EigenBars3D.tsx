import { useEffect, useState, type PointerEvent } from 'react';
import * as THREE from 'three';
import { clearGroup } from '../shared/three/dispose';
import { lineSegments } from '../shared/three/lines';
import { OrbitStage, type Lights } from '../shared/three/orbitStage';
import { Readout, WebGLUnavailable } from '../shared/three/overlays';
import { fitCamera } from '../shared/three/cameraFit';
import { labelSprite } from '../shared/three/sprites';
import { useOrbitStage } from '../shared/three/useOrbitStage';

export interface EigenBarLane {
  name: string;
  /** #rrggbb */
  color: string;
  /** Largest first; may be negative; lanes may have different lengths. */
  eigenvalues: number[];
}

export interface EigenBars3DProps {
  lanes: EigenBarLane[];
  /** Height by sign(λ)·log10(1+|λ|/λ0) with λ0 = 1e-3 × max|λ|, so small and large eigenvalues are both visible. */
  log: boolean;
  /** Canvas height in CSS pixels; default 300. */
  height?: number;
}

const DEFAULT_HEIGHT = 300;
const ROW_PITCH = 1.8;
const BAR_WIDTH = 0.6;
/** Keeps zero eigenvalues visible (and hoverable) as thin tiles. */
const MIN_BAR = 0.02;
const LOG_FLOOR_RATIO = 1e-3;
const LABEL_HEIGHT = 0.5;
const MAX_NAME_LENGTH = 24;
/** From the camera target toward the camera: front (−y), right (+x) and above (+z). */
const CAMERA_DIRECTION = new THREE.Vector3(0.35, -1.3, 1.2);
const HELP = 'Top Hessian eigenvalues of each lane: drag to orbit, scroll to zoom; hover a bar for its value';
const ARIA_LABEL = 'Top Hessian eigenvalues of every lane in 3D';
const INK = '#37474f';
const WHITE = new THREE.Color(0xffffff);
const BLACK = new THREE.Color(0x000000);
const HOVER_EMISSIVE = new THREE.Color(0x5a5a5a);
const LIGHTS: Lights = { ambient: 0.6, sun: 0.6, sunPosition: [0.5, -0.8, 1] };

interface BarInfo {
  lane: string;
  rank: number;
  value: number;
}

/** World layout: x = rank column (λ1 at x = 0), y = lane row (first lane in front), z = scaled eigenvalue. */
interface Layout {
  columns: number;
  rows: number;
  zTop: number;
  maxAbs: number;
  /** Most negative eigenvalue, or null when there is none. */
  minNegative: number | null;
  log: boolean;
  height(v: number): number;
}

interface Stage {
  orbit: OrbitStage;
  /** Everything derived from the props; rebuilt as a whole. */
  content: THREE.Group;
  bars: Map<THREE.Mesh, BarInfo>;
  hovered: THREE.Mesh | null;
  /** Camera is refitted on rebuild/resize until the user moves it, and whenever the grid shape changes. */
  userMoved: boolean;
  /** True while frame() runs, so its own 'change' event does not count as a user move. */
  fitting: boolean;
  fittedShape: string;
  pointer: { x: number; y: number } | null;
}

// ---------------------------------------------------------------------------
// Scale and formatting
// ---------------------------------------------------------------------------

function heightFunction(maxAbs: number, log: boolean, zTop: number): (v: number) => number {
  if (!(maxAbs > 0)) return () => 0;
  if (!log) return (v) => (v / maxAbs) * zTop;
  const l0 = LOG_FLOOR_RATIO * maxAbs;
  const top = Math.log10(1 + maxAbs / l0);
  return (v) => ((Math.sign(v) * Math.log10(1 + Math.abs(v) / l0)) / top) * zTop;
}

function makeLayout(lanes: EigenBarLane[], log: boolean): Layout {
  const columns = Math.max(1, ...lanes.map((l) => l.eigenvalues.length));
  const rows = Math.max(1, lanes.length);
  let maxAbs = 0;
  let minNegative: number | null = null;
  for (const lane of lanes) {
    for (const v of lane.eigenvalues) {
      if (!Number.isFinite(v)) continue;
      maxAbs = Math.max(maxAbs, Math.abs(v));
      if (v < 0 && (minNegative === null || v < minNegative)) minNegative = v;
    }
  }
  const zTop = Math.min(8, Math.max(2.5, 0.45 * Math.max(columns, rows * ROW_PITCH)));
  return { columns, rows, zTop, maxAbs, minNegative, log, height: heightFunction(maxAbs, log, zTop) };
}

/** Read-out precision: "12.34", or exponent notation for very small or large magnitudes. */
function formatEigenvalue(v: number): string {
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-2 && a < 1e4) ? v.toFixed(2) : v.toExponential(2);
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(1);
}

// ---------------------------------------------------------------------------
// Scene construction
// ---------------------------------------------------------------------------

function rowY(row: number): number {
  return row * ROW_PITCH;
}

function backEdge(layout: Layout): number {
  return rowY(layout.rows - 1) + ROW_PITCH / 2;
}

function barColor(base: THREE.Color, rank: number, columns: number, negative: boolean): THREE.Color {
  if (negative) return base.clone().lerp(BLACK, 0.35);
  return base.clone().lerp(WHITE, columns > 1 ? (0.3 * rank) / (columns - 1) : 0);
}

function barMesh(h: number, color: THREE.Color, negative: boolean): THREE.Mesh {
  const size = Math.max(Math.abs(h), MIN_BAR);
  const material = new THREE.MeshLambertMaterial({
    color,
    transparent: negative,
    opacity: negative ? 0.55 : 1,
  });
  const mesh = new THREE.Mesh(new THREE.BoxGeometry(BAR_WIDTH, BAR_WIDTH, size), material);
  mesh.position.z = (negative ? -size : size) / 2;
  return mesh;
}

function laneBars(lane: EigenBarLane, row: number, layout: Layout, bars: Map<THREE.Mesh, BarInfo>): THREE.Group {
  const group = new THREE.Group();
  const base = new THREE.Color(lane.color);
  lane.eigenvalues.forEach((value, rank) => {
    if (!Number.isFinite(value)) return;
    const negative = value < 0;
    const mesh = barMesh(layout.height(value), barColor(base, rank, layout.columns, negative), negative);
    mesh.position.x = rank;
    mesh.position.y = rowY(row);
    bars.set(mesh, { lane: lane.name, rank: rank + 1, value });
    group.add(mesh);
  });
  return group;
}

/**
 * Translucent floor at λ = 0 with one cell per bar. It writes no depth so that bars of negative
 * eigenvalues below it stay visible through it.
 */
function basePlane(layout: Layout): THREE.Group {
  const x0 = -0.5;
  const x1 = layout.columns - 0.5;
  const y0 = -ROW_PITCH / 2;
  const y1 = backEdge(layout);
  const material = new THREE.MeshBasicMaterial({
    color: 0xe9edf0,
    transparent: true,
    opacity: 0.6,
    depthWrite: false,
    side: THREE.DoubleSide,
  });
  const plane = new THREE.Mesh(new THREE.PlaneGeometry(x1 - x0, y1 - y0), material);
  plane.position.set((x0 + x1) / 2, (y0 + y1) / 2, 0);
  const points: number[] = [];
  for (let c = 0; c <= layout.columns; c++) points.push(x0 + c, y0, 0, x0 + c, y1, 0);
  for (let r = 0; r <= layout.rows; r++) points.push(x0, y0 + r * ROW_PITCH, 0, x1, y0 + r * ROW_PITCH, 0);
  const group = new THREE.Group();
  group.add(plane, lineSegments(points, 0xc3ccd2));
  return group;
}

function truncate(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

function laneLabels(lanes: EigenBarLane[]): THREE.Group {
  const group = new THREE.Group();
  lanes.forEach((lane, row) => {
    const label = labelSprite(truncate(lane.name), LABEL_HEIGHT, { color: INK, anchorX: 1, swatch: lane.color, overlay: true });
    label.position.set(-0.8, rowY(row), 0);
    group.add(label);
  });
  return group;
}

/** Every rank while they fit, otherwise λ1 and every 5th or 10th. */
function rankStep(columns: number): number {
  if (columns <= 16) return 1;
  return columns <= 40 ? 5 : 10;
}

function rankLabels(layout: Layout): THREE.Group {
  const group = new THREE.Group();
  const step = rankStep(layout.columns);
  for (let rank = 1; rank <= layout.columns; rank++) {
    if (rank !== 1 && rank % step !== 0) continue;
    const label = labelSprite(`λ${rank}`, LABEL_HEIGHT, { color: INK, anchorX: 0.5 });
    label.position.set(rank - 1, -ROW_PITCH / 2 - 0.4, 0);
    group.add(label);
  }
  return group;
}

/**
 * Values marked on the scale axis, most important first (a label too close to an earlier one is
 * dropped): the top of the shared scale, the most negative value, fractions of the top, and 0.
 */
function tickValues(layout: Layout): number[] {
  if (!(layout.maxAbs > 0)) return [0];
  const m = layout.maxAbs;
  const negative = layout.minNegative === null ? [] : [layout.minNegative];
  const fractions = layout.log ? [m / 10, m / 100] : [m / 2];
  return [m, ...negative, ...fractions, 0];
}

/**
 * Vertical axis at the back-right corner (clear of the lane names at the row starts), with
 * reference lines along the back edge.
 */
function scaleAxis(layout: Layout): THREE.Group {
  const group = new THREE.Group();
  const x0 = -0.5;
  const x1 = layout.columns - 0.5;
  const y = backEdge(layout);
  const placed: number[] = [];
  const guides: number[] = [];
  for (const v of tickValues(layout)) {
    const z = layout.height(v);
    if (placed.some((p) => Math.abs(p - z) < LABEL_HEIGHT * 1.2)) continue;
    placed.push(z);
    if (v !== 0) guides.push(x0, y, z, x1, y, z);
    const label = labelSprite(formatTick(v), LABEL_HEIGHT, { color: INK, anchorX: 0 });
    label.position.set(x1 + 0.15, y, z);
    group.add(label);
  }
  const zMin = Math.min(0, ...placed);
  const axis = lineSegments([x1, y, zMin, x1, y, layout.zTop], 0x8a979e);
  const title = labelSprite(layout.log ? 'λ (log scale)' : 'λ', LABEL_HEIGHT, { color: INK, anchorX: 0.5 });
  title.position.set(x1, y, layout.zTop + 0.45);
  group.add(axis, lineSegments(guides, 0x8a979e, 0.45), title);
  return group;
}

function buildContent(stage: Stage, lanes: EigenBarLane[], layout: Layout): void {
  clearGroup(stage.content);
  stage.bars.clear();
  stage.hovered = null;
  stage.content.add(basePlane(layout), laneLabels(lanes), rankLabels(layout), scaleAxis(layout));
  lanes.forEach((lane, row) => stage.content.add(laneBars(lane, row, layout, stage.bars)));
}

/** From the front-right and above, at a distance where the whole content fits the view. */
function frame(stage: Stage): void {
  if (!fitCamera(stage.orbit, stage.content, CAMERA_DIRECTION)) return;
  stage.fitting = true;
  stage.orbit.controls.update();
  stage.fitting = false;
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

function createStage(host: HTMLElement, keyTarget: HTMLElement): Stage {
  const orbit = new OrbitStage(host, keyTarget, { lights: LIGHTS, ariaLabel: ARIA_LABEL });
  const content = new THREE.Group();
  orbit.scene.add(content);
  const stage: Stage = {
    orbit,
    content,
    bars: new Map(),
    hovered: null,
    userMoved: false,
    fitting: false,
    fittedShape: '',
    pointer: null,
  };
  // Keyboard orbit/pan/zoom emits 'change' but no 'start', so 'change' is what marks a user move.
  orbit.controls.addEventListener('change', () => {
    if (!stage.fitting) stage.userMoved = true;
  });
  orbit.trackSize(() => {
    if (!stage.userMoved && stage.content.children.length > 0) frame(stage);
  });
  return stage;
}

function pickBar(stage: Stage, clientX: number, clientY: number): THREE.Mesh | null {
  const hit = stage.orbit.pick([...stage.bars.keys()], clientX, clientY);
  return hit && hit.object instanceof THREE.Mesh ? hit.object : null;
}

function setEmissive(mesh: THREE.Mesh, color: THREE.Color): void {
  if (mesh.material instanceof THREE.MeshLambertMaterial) mesh.material.emissive.copy(color);
}

/** Highlights the bar under the pointer (or none) and returns its read-out text. */
function updateHover(stage: Stage): string | null {
  const bar = stage.pointer ? pickBar(stage, stage.pointer.x, stage.pointer.y) : null;
  if (bar !== stage.hovered) {
    if (stage.hovered) setEmissive(stage.hovered, BLACK);
    if (bar) setEmissive(bar, HOVER_EMISSIVE);
    stage.hovered = bar;
    stage.orbit.render();
  }
  const info = bar ? stage.bars.get(bar) : undefined;
  return info ? `${info.lane} λ${info.rank} = ${formatEigenvalue(info.value)}` : null;
}

/**
 * 3D bar chart of the top Hessian eigenvalues: one row per lane, one column per rank, all on one
 * shared (linear or symmetric-log) height scale; negative eigenvalues hang below the floor.
 */
export function EigenBars3D(props: EigenBars3DProps) {
  const { lanes, log, height = DEFAULT_HEIGHT } = props;
  const [readout, setReadout] = useState<string | null>(null);
  const hasData = lanes.some((l) => l.eigenvalues.length > 0);
  const { wrapperRef, hostRef, stageRef, unavailable, onKeyDown } = useOrbitStage(createStage, hasData);
  // Parents often pass a fresh but equal array on every render; rebuild only when the data changes.
  const signature = JSON.stringify(lanes) + String(log);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const layout = makeLayout(lanes, log);
    buildContent(stage, lanes, layout);
    const shape = `${layout.columns}x${layout.rows}`;
    if (!stage.userMoved || shape !== stage.fittedShape) {
      stage.fittedShape = shape;
      stage.userMoved = false;
      frame(stage);
    }
    stage.orbit.render();
    setReadout(updateHover(stage));
    // `signature` stands for `lanes` and `log` (see above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, hasData]);

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const stage = stageRef.current;
    if (!stage) return;
    stage.pointer = { x: e.clientX, y: e.clientY };
    setReadout(updateHover(stage));
  };

  const onPointerLeave = () => {
    const stage = stageRef.current;
    if (stage) {
      stage.pointer = null;
      updateHover(stage);
    }
    setReadout(null);
  };

  if (!hasData) {
    return (
      <div className="eigen-bars eigen-bars-empty" data-testid="eigen-bars">
        No eigenvalues to show yet.
      </div>
    );
  }

  return (
    <div ref={wrapperRef} className="eigen-bars" data-testid="eigen-bars" tabIndex={0} title={HELP} onKeyDown={onKeyDown}>
      <div className="eigen-bars-stage" style={{ height }} onPointerMove={onPointerMove} onPointerLeave={onPointerLeave}>
        <div ref={hostRef} className="eigen-bars-canvas" />
        <Readout className="eigen-bars-readout" text={readout} />
        <WebGLUnavailable className="eigen-bars-unavailable" show={unavailable} />
      </div>
    </div>
  );
}
