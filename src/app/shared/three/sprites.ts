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

export interface LabelStyle {
  color: string;
  /** Sprite anchor: 0 = left edge at the position, 0.5 = centred, 1 = right edge. */
  anchorX: number;
  swatch?: string;
  /** Drawn over everything: lane names sit right behind the tallest bars of the rows in front. */
  overlay?: boolean;
}

const LABEL_FONT = '600 64px system-ui, sans-serif';
const LABEL_PX = 96;
/** Half-transparent so labels over bars stay readable without hiding them. */
const LABEL_BACKGROUND = 'rgba(255, 255, 255, 0.7)';

function textWidth(ctx: CanvasRenderingContext2D | null, text: string): number {
  if (!ctx) return text.length * 36;
  ctx.font = LABEL_FONT;
  return Math.ceil(ctx.measureText(text).width);
}

/** A label on a half-transparent white band (with an optional colour swatch): world height `height`, width following the text. */
export function labelSprite(text: string, height: number, style: LabelStyle): THREE.Sprite {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const swatchPx = style.swatch ? 64 : 0;
  canvas.width = Math.max(2, textWidth(ctx, text) + swatchPx + 16);
  canvas.height = LABEL_PX;
  if (ctx) {
    // Resizing the canvas resets the context state.
    ctx.fillStyle = LABEL_BACKGROUND;
    ctx.fillRect(0, 8, canvas.width, LABEL_PX - 16);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = 'middle';
    if (style.swatch) {
      ctx.fillStyle = style.swatch;
      ctx.fillRect(8, LABEL_PX / 2 - 22, 44, 44);
    }
    ctx.fillStyle = style.color;
    ctx.fillText(text, 8 + swatchPx, LABEL_PX / 2 + 4);
  }
  const overlay = style.overlay === true;
  const sprite = canvasSprite(canvas, !overlay);
  sprite.renderOrder = overlay ? 1 : 0;
  sprite.scale.set((height * canvas.width) / canvas.height, height, 1);
  sprite.center.set(style.anchorX, 0.5);
  return sprite;
}
