import type { JobControl } from '../control';
import { topEigenvalues } from '../hessian/lanczos';
import { applyUnder, type SymmetricOperator } from '../hessian/operator';
import { hutchinsonTrace, type TraceResult } from '../hessian/trace';
import { deriveSeed } from '../rng';
import type { LayerCurvatureSettings } from './config';
import type { Block } from './vector';

/**
 * The diagonal block H_bb of one parameter tensor b: v lives on b's coordinates, the product is the
 * full Hessian's applied to v padded with zeros, restricted to b (docs/ALGORITHMS.md, "Per-layer curvature").
 */
export class BlockOperator implements SymmetricOperator {
  readonly dimension: number;
  constructor(
    private readonly full: SymmetricOperator,
    private readonly block: Block,
  ) {
    this.dimension = block.size;
  }

  private pad(v: Float64Array): Float64Array {
    const padded = new Float64Array(this.full.dimension);
    padded.set(v, this.block.offset);
    return padded;
  }

  private restrict(hv: Float64Array): Float64Array {
    return hv.slice(this.block.offset, this.block.offset + this.block.size);
  }

  async apply(v: Float64Array): Promise<Float64Array> {
    return this.restrict(await this.full.apply(this.pad(v)));
  }

  async applyInPieces(v: Float64Array, control: JobControl): Promise<Float64Array> {
    return this.restrict(await applyUnder(this.full, this.pad(v), control));
  }
}

export interface BlockCurvature {
  name: string;
  size: number;
  lambdaMax: number;
  /** Residual ‖H_bb y − λy‖ of the top Ritz pair. */
  residual: number;
  converged: boolean;
  trace: TraceResult;
  hvps: number;
}

/** Σ eᵢᵀ H eᵢ over the unit vectors: cheaper than Hutchinson's samples for a block of few parameters (a bias). */
async function exactTrace(op: SymmetricOperator, control: JobControl): Promise<TraceResult> {
  let trace = 0;
  for (let i = 0; i < op.dimension; i++) {
    if (control.cancelled()) return { trace: NaN, stdError: NaN, samples: i, converged: false };
    const e = new Float64Array(op.dimension);
    e[i] = 1;
    trace += (await applyUnder(op, e, control))[i];
  }
  return { trace, stdError: 0, samples: op.dimension, converged: true };
}

/** HVPs the analysis of these blocks takes at most (for progress). */
export function layerWork(settings: LayerCurvatureSettings, blocks: readonly Block[]): number {
  return blocks.reduce((acc, b) => acc + Math.min(settings.maxIterations, b.size) + Math.min(settings.traceSamples, b.size), 0);
}

/** λmax (Lanczos) and Tr (Hutchinson) of every block's diagonal Hessian block, one block after the other. */
export async function layerCurvature(
  full: SymmetricOperator,
  blocks: readonly Block[],
  settings: LayerCurvatureSettings,
  control: JobControl,
  onHvp: () => void = () => undefined,
): Promise<BlockCurvature[]> {
  const out: BlockCurvature[] = [];
  const counted: SymmetricOperator = {
    dimension: full.dimension,
    apply: async (v) => {
      const r = await full.apply(v);
      onHvp();
      return r;
    },
    applyInPieces: async (v, c) => {
      const r = await applyUnder(full, v, c);
      onHvp();
      return r;
    },
  };
  for (const block of blocks) {
    if (control.cancelled()) break;
    let hvps = 0;
    const op = new BlockOperator(
      {
        ...counted,
        apply: (v) => (hvps++, counted.apply(v)),
        applyInPieces: (v, c) => (hvps++, counted.applyInPieces!(v, c)),
      },
      block,
    );
    const top = await topEigenvalues(
      op,
      { k: 1, tol: settings.tol, maxIterations: Math.min(settings.maxIterations, block.size), seed: deriveSeed(settings.seed, block.name) },
      control,
    );
    const trace =
      block.size <= settings.traceSamples
        ? await exactTrace(op, control)
        : await hutchinsonTrace(
            op,
            {
              tol: settings.traceTol,
              minSamples: Math.min(10, settings.traceSamples),
              maxSamples: settings.traceSamples,
              seed: deriveSeed(settings.seed, `trace/${block.name}`),
            },
            control,
          );
    out.push({
      name: block.name,
      size: block.size,
      lambdaMax: top.eigenvalues[0] ?? NaN,
      residual: top.residuals[0] ?? NaN,
      converged: top.converged,
      trace,
      hvps,
    });
  }
  return out;
}
