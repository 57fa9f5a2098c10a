import * as THREE from 'three';

/** Frees the GPU resources (geometries, materials, their textures) of everything under `root`. */
export function disposeObject(root: THREE.Object3D): void {
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

/** Disposes and removes all children of a group, keeping the group itself. */
export function clearGroup(group: THREE.Group): void {
  disposeObject(group);
  group.clear();
}
