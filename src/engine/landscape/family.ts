import * as tf from '@tensorflow/tfjs-core';
import { paramSize, type Params, type ParamSpec, type HostParams } from '../model/params';
import { disposeParams, uploadParams } from '../model/paramTensors';

/**
 * The weights θ(c) = θ0 + Σ_j c_j D_j for coordinates c (J = 1 for a curve or an interpolation,
 * 2 for a surface), held on the device: θ0 as tensors, each tensor's directions stacked [J, size].
 */
export class AffineFamily {
  readonly origin: Params;
  readonly dimensions: number;
  private readonly stacked: Record<string, tf.Tensor2D> = {};
  private readonly directionParams: Params[];

  constructor(
    readonly specs: readonly ParamSpec[],
    origin: HostParams,
    directions: HostParams[],
  ) {
    if (directions.length < 1) throw new Error('an affine family needs at least one direction');
    this.dimensions = directions.length;
    this.origin = uploadParams(specs, origin);
    this.directionParams = directions.map((d) => uploadParams(specs, d));
    for (const spec of specs) {
      const size = paramSize(spec.shape);
      this.stacked[spec.name] = tf.keep(
        tf.tidy(() => tf.stack(this.directionParams.map((d) => tf.reshape(d[spec.name], [size]))) as tf.Tensor2D),
      );
    }
  }

  /** Direction j of one tensor, with that tensor's shape. */
  direction(j: number, name: string): tf.Tensor {
    return this.directionParams[j][name];
  }

  /** θ(c) for one point (call inside a tidy, or dispose the result). */
  at(coords: readonly number[]): Params {
    const out: Params = {};
    for (const spec of this.specs) {
      out[spec.name] = tf.tidy(() =>
        coords
          .reduce<tf.Tensor>(
            (acc, c, j) => (c === 0 ? acc : tf.add(acc, tf.mul(this.directionParams[j][spec.name], c))),
            this.origin[spec.name],
          )
          .clone(),
      );
    }
    return out;
  }

  /** The named tensors of K points at once, each [K, ...shape] (inside a tidy). */
  batched(coords: readonly number[][], names: readonly string[]): Params {
    const out: Params = {};
    const sets = coords.length;
    const coefficients = sets > 1 ? tf.tensor2d(coords.flat(), [sets, this.dimensions]) : null;
    for (const spec of this.specs.filter((s) => names.includes(s.name))) {
      if (!coefficients) {
        const point = coords[0].reduce<tf.Tensor>(
          (acc, c, j) => (c === 0 ? acc : tf.add(acc, tf.mul(this.directionParams[j][spec.name], c))),
          this.origin[spec.name],
        );
        out[spec.name] = tf.expandDims(point, 0);
        continue;
      }
      const size = paramSize(spec.shape);
      const moved = tf.add(tf.reshape(this.origin[spec.name], [1, size]), tf.matMul(coefficients, this.stacked[spec.name]));
      out[spec.name] = tf.reshape(moved, [sets, ...spec.shape]);
    }
    return out;
  }

  dispose(): void {
    disposeParams(this.origin);
    this.directionParams.forEach(disposeParams);
    tf.dispose(Object.values(this.stacked));
  }
}
