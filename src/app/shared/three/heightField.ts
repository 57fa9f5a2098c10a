import * as THREE from 'three';
import { axisAt, colorAtNormalized, isoSegments, type ColorScale, type ContourBand } from '../plot/colors';
import type { BoxFrame } from './boxFrame';
import { coloredSegments } from './lines';

/** Values over a rectilinear grid: values[j * xs.length + i] at (xs[i], ys[j]). */
export interface GridField {
  xs: number[];
  ys: number[];
  values: number[];
}

/** The scale's colours are sRGB; three.js works in linear space, so convert on the way in. */
export function linearColor(rgb: [number, number, number]): THREE.Color {
  return new THREE.Color().setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace);
}

/** Two triangles per grid cell. */
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

/** The field as a surface: height = normalized value × zTop, vertex colours from the scale. */
export function surfaceGeometry(field: GridField, scale: ColorScale, f: BoxFrame): THREE.BufferGeometry {
  const { xs, ys, values } = field;
  const nx = xs.length;
  const ny = ys.length;
  const positions = new Float32Array(nx * ny * 3);
  const colors = new Float32Array(nx * ny * 3);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const v = values[k];
      positions.set([xs[i], ys[j], scale.normalize(v) * f.zTop], k * 3);
      const c = linearColor(scale.color(v));
      colors.set([c.r, c.g, c.b], k * 3);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
  geometry.setIndex(gridIndices(nx, ny));
  geometry.computeVertexNormals();
  return geometry;
}

export function surfaceMaterial(): THREE.MeshLambertMaterial {
  return new THREE.MeshLambertMaterial({
    vertexColors: true,
    side: THREE.DoubleSide,
    // Pushes the surface back a little so lines lying on it win the depth test.
    polygonOffset: true,
    polygonOffsetFactor: 1,
    polygonOffsetUnits: 1,
  });
}

/** The iso-lines of the bands, flat on the floor of the frame, each in its level's colour. */
export function floorContours(
  bands: ContourBand[],
  axes: { xs: number[]; ys: number[] },
  scale: ColorScale,
  f: BoxFrame,
): THREE.LineSegments {
  const { xs, ys } = axes;
  const positions: number[] = [];
  const colors: number[] = [];
  for (const band of bands) {
    const c = linearColor(colorAtNormalized(scale, band.level));
    for (const [u0, v0, u1, v1] of isoSegments(band, xs.length, ys.length)) {
      positions.push(axisAt(xs, u0), axisAt(ys, v0), f.zFloor, axisAt(xs, u1), axisAt(ys, v1), f.zFloor);
      colors.push(c.r, c.g, c.b, c.r, c.g, c.b);
    }
  }
  return coloredSegments(positions, colors);
}

/** A ball with a white rim (a slightly larger back-facing sphere), for markers on the surface. */
export function rimmedBall(radius: number, rimRatio: number, color: THREE.Color, clippingPlanes: THREE.Plane[] | null = null): THREE.Group {
  const sphere = new THREE.Mesh(new THREE.SphereGeometry(radius, 20, 14), new THREE.MeshLambertMaterial({ color, clippingPlanes }));
  const rim = new THREE.Mesh(
    new THREE.SphereGeometry(radius * rimRatio, 20, 14),
    new THREE.MeshBasicMaterial({ color: 0xffffff, side: THREE.BackSide, clippingPlanes }),
  );
  return new THREE.Group().add(rim, sphere);
}
