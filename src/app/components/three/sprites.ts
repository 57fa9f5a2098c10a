import * as THREE from 'three';

/** A sprite showing a canvas; `depthTest: false` draws it over everything. */
export function canvasSprite(canvas: HTMLCanvasElement, depthTest = true): THREE.Sprite {
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  const material = new THREE.SpriteMaterial({ map: texture, transparent: true, depthWrite: false, depthTest });
  return new THREE.Sprite(material);
}

/** Grey centred axis-label text on a transparent 2:1 canvas; `height` is its world height. */
export function textSprite(text: string, height: number): THREE.Sprite {
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
  const sprite = canvasSprite(canvas);
  sprite.scale.set(height * 2, height, 1);
  return sprite;
}
