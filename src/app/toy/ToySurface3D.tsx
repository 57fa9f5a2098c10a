import { useEffect, useMemo, useState, type PointerEvent } from 'react';
import * as THREE from 'three';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';
import type { ColorScale } from '../shared/plot/colors';
import { boxCenter, boxFrame, boxScaffold, type BoxFrame } from '../shared/three/boxFrame';
import { clearGroup, disposeObject } from '../shared/three/dispose';
import { floorContours, rimmedBall, surfaceGeometry, surfaceMaterial } from '../shared/three/heightField';
import { OrbitStage, SURFACE_LIGHTS } from '../shared/three/orbitStage';
import { Readout, WebGLUnavailable } from '../shared/three/overlays';
import { useOrbitStage } from '../shared/three/useOrbitStage';
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

/** Trajectories float this fraction of the vertical extent above their heights, so the surface does not hide them. */
const LIFT = 0.02;
const CONTOUR_LEVELS = 14;
const LINE_PX = 3;
const SHADOW_PX = 1.5;
const GHOST_PX = 1.5;
const HELP =
  'Drag to orbit, scroll to zoom, right-drag to pan; hover for values. ' +
  'Keyboard (when focused): arrow keys pan, Shift+arrows orbit, + / − zoom.';
const ARIA_LABEL = '3D view of the toy surface with the trajectories';

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
  orbit: OrbitStage;
  /** Surface, contours and frame; rebuilt when grid/log change. */
  content: THREE.Group;
  tracks: THREE.Group;
  entries: Map<string, TrackEntry>;
  surface: THREE.Mesh | null;
  frame: BoxFrame | null;
  /** Keep diverging trajectories inside the box; the planes are moved when the grid changes. */
  clipPlanes: THREE.Plane[];
  resolution: THREE.Vector2;
}

// ---------------------------------------------------------------------------
// Surface, floor and frame
// ---------------------------------------------------------------------------

function sameExtent(a: BoxFrame | null, b: BoxFrame): boolean {
  return a !== null && a.x0 === b.x0 && a.x1 === b.x1 && a.y0 === b.y0 && a.y1 === b.y1;
}

/** Planes keeping x in [x0, x1] and y in [y0, y1] (three.js keeps the side the normal points to). */
function placeClipPlanes(planes: THREE.Plane[], f: BoxFrame): void {
  planes[0].set(new THREE.Vector3(1, 0, 0), -f.x0);
  planes[1].set(new THREE.Vector3(-1, 0, 0), f.x1);
  planes[2].set(new THREE.Vector3(0, 1, 0), -f.y0);
  planes[3].set(new THREE.Vector3(0, -1, 0), f.y1);
}

function buildSurface(stage: Stage, grid: ToyGrid, scale: ColorScale): BoxFrame {
  clearGroup(stage.content);
  stage.surface = null;
  const f = boxFrame(grid.xs, grid.ys);
  placeClipPlanes(stage.clipPlanes, f);
  stage.content.add(...boxScaffold(f, ['p1', 'p2', 'ℓ']));
  if (!isCompleteToyGrid(grid)) return f;
  stage.surface = new THREE.Mesh(surfaceGeometry(grid, scale, f), surfaceMaterial());
  stage.content.add(stage.surface, floorContours(toyContourBands(grid, scale, CONTOUR_LEVELS), grid, scale, f));
  return f;
}

// ---------------------------------------------------------------------------
// Trajectories
// ---------------------------------------------------------------------------

type Points = ToyTrajectory['points'];

/** World positions lifted above the given heights, 3 per point; NaN where p1/p2 is not finite. */
function liftedPositions(points: Points, scale: ColorScale, f: BoxFrame): Float32Array {
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
function segmentPositions(lifted: Float32Array, f: BoxFrame, z?: number): Float32Array {
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
function headMarker(color: THREE.Color, f: BoxFrame, planes: THREE.Plane[]): THREE.Group {
  return rimmedBall(0.022 * f.span, 1.3, color, planes);
}

/** Start marker: a horizontal ring around the first point. */
function startRing(color: THREE.Color, f: BoxFrame, at: ArrayLike<number>): THREE.Mesh {
  const ring = new THREE.Mesh(new THREE.TorusGeometry(0.03 * f.span, 0.006 * f.span, 8, 32), new THREE.MeshLambertMaterial({ color }));
  ring.position.set(at[0], at[1], at[2]);
  return ring;
}

function buildTrack(stage: Stage, t: ToyTrajectory, scale: ColorScale, f: BoxFrame): TrackEntry {
  const color = new THREE.Color(t.color);
  const lifted = liftedPositions(t.points, scale, f);
  const group = new THREE.Group();
  const head = headMarker(color, f, stage.clipPlanes);
  const entry: TrackEntry = {
    points: t.points,
    length: t.points.length,
    color: t.color,
    scale,
    group,
    line: null,
    ghost: null,
    shadow: null,
    head,
    lifted,
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

function defaultCamera(stage: Stage, f: BoxFrame): void {
  const [cx, cy, cz] = boxCenter(f);
  const s = f.span;
  stage.orbit.camera.position.set(cx + 0.9 * s, cy - 1.5 * s, cz + 1.6 * s);
  stage.orbit.fitDepth(s);
  stage.orbit.controls.target.set(cx, cy, cz);
  stage.orbit.controls.update();
}

/** Fat lines size their width in pixels of the canvas, so they need its size. */
function setResolution(stage: Stage, width: number, height: number): void {
  stage.resolution.set(width, height);
  for (const entry of stage.entries.values()) {
    for (const line of [entry.line, entry.ghost, entry.shadow]) line?.material.resolution.copy(stage.resolution);
  }
}

function createStage(host: HTMLElement, keyTarget: HTMLElement): Stage {
  const orbit = new OrbitStage(host, keyTarget, { lights: SURFACE_LIGHTS, ariaLabel: ARIA_LABEL, localClipping: true });
  const content = new THREE.Group();
  const tracks = new THREE.Group();
  orbit.scene.add(content, tracks);
  const stage: Stage = {
    orbit,
    content,
    tracks,
    entries: new Map(),
    surface: null,
    frame: null,
    clipPlanes: [new THREE.Plane(), new THREE.Plane(), new THREE.Plane(), new THREE.Plane()],
    resolution: new THREE.Vector2(1, 1),
  };
  orbit.trackSize((width, height) => setResolution(stage, width, height));
  return stage;
}

/** The (p1, p2) on the surface under the pointer, or null off the surface. */
function pickPoint(stage: Stage, clientX: number, clientY: number): [number, number] | null {
  if (!stage.surface) return null;
  const hit = stage.orbit.pick([stage.surface], clientX, clientY);
  return hit ? [hit.point.x, hit.point.y] : null;
}

/**
 * 3D view of a toy surface ℓ(p1, p2) (height and colour on the viridis scale, contours on the
 * floor) with optimizer trajectories drawn up to step `upTo`. The surface is rebuilt only when
 * grid/log change; trajectory updates only change draw counts and marker positions.
 */
export function ToySurface3D(props: ToyViewProps) {
  const { grid, log, trajectories, upTo, height = TOY_DEFAULT_HEIGHT } = props;
  const { wrapperRef, hostRef, stageRef, unavailable, onKeyDown } = useOrbitStage(createStage);
  const scale = useMemo(() => toyColorScale(grid, log), [grid, log]);
  const [readout, setReadout] = useState<string | null>(null);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const f = buildSurface(stage, grid, scale);
    if (!sameExtent(stage.frame, f)) defaultCamera(stage, f);
    stage.frame = f;
    stage.orbit.render();
  }, [stageRef, grid, scale]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    syncTracks(stage, trajectories, scale);
    showUpTo(stage, upTo);
    stage.orbit.render();
  }, [stageRef, trajectories, scale, upTo]);

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const stage = stageRef.current;
    const at = stage ? pickPoint(stage, e.clientX, e.clientY) : null;
    setReadout(at ? toyReadoutText(grid, at[0], at[1]) : null);
  };

  return (
    <div ref={wrapperRef} className="toy-view toy-3d" data-testid="toy-3d" tabIndex={0} title={HELP} onKeyDown={onKeyDown}>
      <div className="toy-stage" style={{ height }} onPointerMove={onPointerMove} onPointerLeave={() => setReadout(null)}>
        <div ref={hostRef} className="toy-canvas" />
        <Readout className="toy-readout" title="Coordinates and interpolated loss on the surface under the pointer" text={readout} />
        <WebGLUnavailable className="toy-unavailable" show={unavailable} />
      </div>
    </div>
  );
}
