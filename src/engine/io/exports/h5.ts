/**
 * Landscapes in the HDF5 layout of the loss-landscape tool (Li et al.'s code): its plot_1D.py,
 * plot_2D.py and h52vtp.py read these files unchanged. Written with h5wasm, which the caller passes
 * in (its browser build in the app, its Node build in the CLI and the tests), so this module loads
 * no WebAssembly by itself.
 *
 * Layout: `xcoordinates` [nx] (and `ycoordinates` [ny] for a surface); `train_loss`, `train_acc`,
 * `test_loss`, `test_acc` of shape [nx] or [ny, nx] (row j is β = ycoordinates[j], as their
 * meshgrid-ordered crunch fills them; they create them as (nx, ny), the same for their square
 * grids). Accuracies are in percent, as the tool writes them; points not computed are −1, the
 * tool's own "still to do" mark. Each file also carries attributes saying where it came from.
 */
import type { CurveResult, CurveValues, SurfaceResult } from '../../landscape/config';
import type { ConvexityResult } from '../../analyses/convexity';
import type { TrajectoryResult } from '../../analyses/trajectory';

/** The part of h5wasm's API this writer uses. */
export interface H5Module {
  File: new (filename: string, mode: 'w' | 'r') => H5File;
}
interface H5File {
  create_dataset(args: { name: string; data: Float64Array | Float32Array; shape?: number[] }): unknown;
  create_attribute(name: string, data: string | number): void;
  close(): unknown;
}

/** Where h5wasm's file lives while it is written: write, then read the bytes back and remove it. */
export interface H5Scratch {
  h5: H5Module;
  path: string;
  readBytes(path: string): Uint8Array;
  remove(path: string): void;
}

const UNCOMPUTED = -1;

function values(xs: readonly number[], scale = 1): Float64Array {
  return Float64Array.from(xs, (v) => (Number.isFinite(v) ? v * scale : UNCOMPUTED));
}

function written(scratch: H5Scratch, fill: (f: H5File) => void): Uint8Array {
  const file = new scratch.h5.File(scratch.path, 'w');
  try {
    fill(file);
  } finally {
    file.close();
  }
  try {
    return scratch.readBytes(scratch.path);
  } finally {
    scratch.remove(scratch.path);
  }
}

function split(f: H5File, split: 'train' | 'test', v: CurveValues | null, shape: number[]): void {
  if (!v) return;
  f.create_dataset({ name: `${split}_loss`, data: values(v.loss), shape });
  f.create_dataset({ name: `${split}_acc`, data: values(v.accuracy, 100), shape });
}

/** A 1D curve (or an interpolation) as plot_1D.py reads it. */
export function curveH5(scratch: H5Scratch, curve: CurveResult, title: string): Uint8Array {
  return written(scratch, (f) => {
    f.create_dataset({ name: 'xcoordinates', data: Float64Array.from(curve.alphas) });
    split(f, 'train', curve.train, [curve.alphas.length]);
    split(f, 'test', curve.test, [curve.alphas.length]);
    f.create_attribute('source', 'Flat Minima Playground');
    f.create_attribute('title', title);
    f.create_attribute('kind', curve.kind);
    f.create_attribute('step', curve.step);
    f.create_attribute('train_samples', curve.samples.train);
    f.create_attribute('test_samples', curve.samples.test);
  });
}

/** A 2D surface as plot_2D.py and h52vtp.py read it (its split's loss and accuracy). */
export function surfaceH5(scratch: H5Scratch, surface: SurfaceResult, title: string): Uint8Array {
  const shape = [surface.betas.length, surface.alphas.length];
  return written(scratch, (f) => {
    f.create_dataset({ name: 'xcoordinates', data: Float64Array.from(surface.alphas) });
    f.create_dataset({ name: 'ycoordinates', data: Float64Array.from(surface.betas) });
    split(f, surface.split, { loss: surface.loss, accuracy: surface.accuracy }, shape);
    f.create_attribute('source', 'Flat Minima Playground');
    f.create_attribute('title', title);
    f.create_attribute('step', surface.step);
    f.create_attribute('samples', surface.samples);
    f.create_attribute('split', surface.split);
  });
}

/** A convexity map as loss-landscape's plot_hessian_eigen.py writes it (`min_eig`, `max_eig`), with the loss. */
export function convexityH5(scratch: H5Scratch, map: ConvexityResult, title: string): Uint8Array {
  const shape = [map.betas.length, map.alphas.length];
  return written(scratch, (f) => {
    f.create_dataset({ name: 'xcoordinates', data: Float64Array.from(map.alphas) });
    f.create_dataset({ name: 'ycoordinates', data: Float64Array.from(map.betas) });
    // Uncomputed points are NaN here: −1 would read as an eigenvalue.
    f.create_dataset({ name: 'min_eig', data: Float64Array.from(map.lambdaMin), shape });
    f.create_dataset({ name: 'max_eig', data: Float64Array.from(map.lambdaMax), shape });
    f.create_dataset({ name: 'train_loss', data: values(map.loss), shape });
    f.create_attribute('source', 'Flat Minima Playground');
    f.create_attribute('title', title);
    f.create_attribute('step', map.step);
    f.create_attribute('samples', map.samples);
    f.create_attribute('lanczos_steps', map.settings.lanczosSteps);
  });
}

/**
 * A trajectory plane as loss-landscape's plot_2D.py draws one (plot_contour_trajectory): the loss on
 * the plane (`<prefix>-surface.h5`), the PCA's `explained_variance_ratio_` (`<prefix>-directions.h5`)
 * and each lane's path as `proj_xcoord`, `proj_ycoord` (`<prefix>-<lane>.h5`).
 */
export function trajectoryH5(scratch: H5Scratch, plane: TrajectoryResult, prefix = 'trajectory'): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  if (plane.surface) files[`${prefix}-surface.h5`] = surfaceH5(scratch, plane.surface, 'trajectory plane');
  files[`${prefix}-directions.h5`] = written(scratch, (f) => {
    f.create_dataset({ name: 'explained_variance_ratio_', data: Float64Array.from(plane.explained) });
    f.create_attribute('source', 'Flat Minima Playground');
    f.create_attribute('centre', plane.centre);
    f.create_attribute('snapshots', plane.snapshots);
  });
  for (const path of plane.paths) {
    files[`${prefix}-${path.laneId}.h5`] = written(scratch, (f) => {
      f.create_dataset({ name: 'proj_xcoord', data: Float64Array.from(path.points, (p) => p[0]) });
      f.create_dataset({ name: 'proj_ycoord', data: Float64Array.from(path.points, (p) => p[1]) });
      f.create_dataset({ name: 'steps', data: Float64Array.from(path.steps) });
      f.create_attribute('lane', path.label);
    });
  }
  return files;
}
