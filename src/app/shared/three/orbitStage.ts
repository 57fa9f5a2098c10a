import * as THREE from 'three';
import { registerHighResRenderer } from '../../share/pngExport';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { disposeObject } from './dispose';

/** Factor of one +/− key press. */
const KEY_ZOOM = 1.1;

/** Light intensities in multiples of π: Lambert divides by π since three r155, so this keeps colours bright. */
export interface Lights {
  ambient: number;
  sun: number;
  sunPosition: [number, number, number];
}

/** The lighting of the viridis height surfaces. */
export const SURFACE_LIGHTS: Lights = { ambient: 0.65, sun: 0.55, sunPosition: [0.4, -0.6, 1] };

export interface OrbitStageOptions {
  lights: Lights;
  /** Set on the canvas at creation; views whose label changes set it themselves. */
  ariaLabel?: string;
  localClipping?: boolean;
}

function createRenderer(host: HTMLElement, options: OrbitStageOptions): THREE.WebGLRenderer {
  // preserveDrawingBuffer keeps the last frame readable (screenshots, pixel checks) between renders.
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(0xffffff, 1);
  renderer.localClippingEnabled = options.localClipping === true;
  const canvas = renderer.domElement;
  canvas.setAttribute('role', 'img');
  if (options.ariaLabel !== undefined) canvas.setAttribute('aria-label', options.ariaLabel);
  Object.assign(canvas.style, { width: '100%', height: '100%', display: 'block' });
  host.appendChild(canvas);
  return renderer;
}

function addLights(scene: THREE.Scene, lights: Lights): void {
  const ambient = new THREE.AmbientLight(0xffffff, lights.ambient * Math.PI);
  const sun = new THREE.DirectionalLight(0xffffff, lights.sun * Math.PI);
  sun.position.set(...lights.sunPosition);
  scene.add(ambient, sun);
}

/**
 * A z-up perspective scene in a host element, rendered on demand: orbit controls (also from the
 * keyboard on `keyTarget`), resizing with the host and disposal of everything in one place.
 * Throws when WebGL is unavailable.
 */
export class OrbitStage {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(40, 1, 0.01, 100);
  readonly controls: OrbitControls;
  private readonly raycaster = new THREE.Raycaster();
  private readonly host: HTMLElement;
  private resizeObserver: ResizeObserver | null = null;
  private onResize: ((width: number, height: number) => void) | undefined;
  private readonly unregisterExport: () => void;
  readonly render = (): void => this.renderer.render(this.scene, this.camera);

  constructor(host: HTMLElement, keyTarget: HTMLElement, options: OrbitStageOptions) {
    this.host = host;
    this.renderer = createRenderer(host, options);
    this.camera.up.set(0, 0, 1); // z is the value axis; must be set before OrbitControls reads it
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.listenToKeyEvents(keyTarget);
    addLights(this.scene, options.lights);
    this.controls.addEventListener('change', this.render);
    this.unregisterExport = registerHighResRenderer(host, (scale) => this.renderAt(scale));
  }

  /** A copy of the view rendered at `scale` device pixels per CSS pixel (PNG export at 2x). */
  private renderAt(scale: number): HTMLCanvasElement {
    const width = Math.max(1, this.host.clientWidth);
    const height = Math.max(1, this.host.clientHeight);
    const ratio = this.renderer.getPixelRatio();
    this.renderer.setPixelRatio(scale);
    this.renderer.setSize(width, height, false);
    this.render();
    const source = this.renderer.domElement;
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    copy.getContext('2d')?.drawImage(source, 0, 0);
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(width, height, false);
    this.render();
    return copy;
  }

  /**
   * Follows the host's size from now on, sizing once right away; `onResize` runs after the camera
   * is updated and before the frame is rendered.
   */
  trackSize(onResize?: (width: number, height: number) => void): void {
    this.onResize = onResize;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.host);
    this.resize();
  }

  private resize(): void {
    const width = Math.max(1, this.host.clientWidth);
    const height = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.onResize?.(width, height);
    this.render();
  }

  /** Clipping planes and zoom limits for content about `size` across. */
  fitDepth(size: number): void {
    this.camera.near = size / 100;
    this.camera.far = size * 100;
    this.camera.updateProjectionMatrix();
    this.controls.minDistance = size * 0.2;
    this.controls.maxDistance = size * 20;
  }

  /** The nearest of `objects` under a pointer at client coordinates, if any. */
  pick(objects: THREE.Object3D[], clientX: number, clientY: number): THREE.Intersection | undefined {
    const rect = this.renderer.domElement.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return undefined;
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    return this.raycaster.intersectObjects(objects, false)[0];
  }

  /** Zooms for + / − (OrbitControls has none on the keyboard); false for any other key. */
  zoomKey(key: string): boolean {
    // dollyOut moves the camera closer.
    if (key === '+' || key === '=') this.controls.dollyOut(KEY_ZOOM);
    else if (key === '-' || key === '_') this.controls.dollyIn(KEY_ZOOM);
    else return false;
    return true;
  }

  dispose(): void {
    this.unregisterExport();
    this.resizeObserver?.disconnect();
    this.controls.dispose();
    disposeObject(this.scene);
    this.scene.clear();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.renderer.domElement.remove();
  }
}
