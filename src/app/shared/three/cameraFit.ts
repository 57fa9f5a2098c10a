/** Framing a 3D view: a camera from a given direction, at the distance where all the content just fits. */
import * as THREE from 'three';
import type { OrbitStage } from './orbitStage';

const FIT_MARGIN = 1.08;

function boxCorners(box: THREE.Box3): THREE.Vector3[] {
  return Array.from(
    { length: 8 },
    (_, k) => new THREE.Vector3(k & 1 ? box.max.x : box.min.x, k & 2 ? box.max.y : box.min.y, k & 4 ? box.max.z : box.min.z),
  );
}

/**
 * Points whose projection bounds the rendered content: the corners of every object's box (exact
 * for the bars). Sprites are measured from their scale and anchor, as their geometry is a shared
 * unit quad that knows neither.
 */
function contentPoints(root: THREE.Object3D): THREE.Vector3[] {
  root.updateMatrixWorld(true);
  const points: THREE.Vector3[] = [];
  root.traverse((o) => {
    if (o instanceof THREE.Sprite) {
      const p = o.getWorldPosition(new THREE.Vector3());
      const left = p.x - o.center.x * o.scale.x;
      points.push(new THREE.Vector3(left, p.y, p.z - o.scale.y / 2), new THREE.Vector3(left + o.scale.x, p.y, p.z + o.scale.y / 2));
    } else if (o instanceof THREE.Mesh || o instanceof THREE.Line) {
      points.push(...boxCorners(new THREE.Box3().setFromObject(o)));
    }
  });
  return points;
}

/** Screen-space bounds of the points in normalized device coordinates. */
function ndcBounds(points: THREE.Vector3[], camera: THREE.PerspectiveCamera): THREE.Box2 {
  const bounds = new THREE.Box2();
  for (const point of points) {
    const p = point.clone().project(camera);
    bounds.expandByPoint(new THREE.Vector2(p.x, p.y));
  }
  return bounds;
}

/**
 * Shifts the camera sideways so the projected box is centred, then moves it along its view axis so
 * the box just fills the view. Perspective makes this approximate, hence a few passes.
 */
function refineFit(camera: THREE.PerspectiveCamera, target: THREE.Vector3, points: THREE.Vector3[], direction: THREE.Vector3): void {
  camera.lookAt(target);
  camera.updateMatrixWorld();
  const bounds = ndcBounds(points, camera);
  const mid = bounds.getCenter(new THREE.Vector2());
  const size = bounds.getSize(new THREE.Vector2());
  const distance = camera.position.distanceTo(target);
  const tanV = Math.tan(THREE.MathUtils.degToRad(camera.fov / 2));
  const right = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 0);
  const up = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 1);
  target.addScaledVector(right, mid.x * tanV * camera.aspect * distance).addScaledVector(up, mid.y * tanV * distance);
  const fill = Math.max(size.x, size.y) / 2;
  camera.position.copy(target).addScaledVector(direction, distance * fill * FIT_MARGIN);
  camera.lookAt(target);
  camera.updateMatrixWorld();
}

/**
 * Points the orbit camera at `content` from `direction` (from the target toward the camera) and
 * moves it to where the content just fills the view.
 */
export function fitCamera(orbit: OrbitStage, content: THREE.Object3D, direction: THREE.Vector3): boolean {
  const points = contentPoints(content);
  const box = new THREE.Box3().setFromPoints(points);
  if (box.isEmpty()) return false;
  const target = box.getCenter(new THREE.Vector3());
  const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1);
  const toCamera = direction.clone().normalize();
  const { camera, controls } = orbit;
  orbit.fitDepth(radius);
  camera.position.copy(target).addScaledVector(toCamera, 3 * radius);
  for (let pass = 0; pass < 3; pass++) refineFit(camera, target, points, toCamera);
  controls.target.copy(target);
  return true;
}
