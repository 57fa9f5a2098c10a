/**
 * npm run hvp-accuracy [-- --models mlp,cnn]
 * How exact the Hessian-vector product is on trained default models (Fashion-MNIST): for each
 * finite-difference scheme, the relative error of the Rayleigh quotients uᵢᵀHuᵢ at the top two
 * eigenvectors (first-order equal to the error of λ1, λ2) and of the vector Hu₁, against a
 * Romberg extrapolation of central differences at relative steps 2e-3, 1e-3, 5e-4 (error O(ε⁶)).
 * Truncation shows as an error falling as ε², float32 rounding as one rising as 1/ε.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/loader';
import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison } from '../src/engine/train/config';
import { DEFAULT_CNN, DEFAULT_MLP, describeModel } from '../src/engine/model/spec';
import { gradientChunkSize } from '../src/engine/model/chunks';
import { HessianOperator, RELATIVE_STEP } from '../src/engine/hessian/hvp';
import { lanczos, gaussian, topRitz } from '../src/engine/hessian/lanczos';
import { dot, norm, type SymmetricOperator } from '../src/engine/hessian/operator';
import { parseOptions } from './args';

const root = path.resolve(import.meta.dirname, '..');

/** Σ cₖ Dₖ(v) over central differences at the given relative steps. */
function combination(terms: Array<[number, HessianOperator]>): SymmetricOperator {
  return {
    dimension: terms[0][1].dimension,
    async apply(v) {
      const out = new Float64Array(v.length);
      for (const [c, op] of terms) (await op.apply(v)).forEach((x, i) => (out[i] += c * x));
      return out;
    },
  };
}

async function measure(kind: 'mlp' | 'cnn') {
  const dir = path.join(root, 'public', 'data', 'fashion-mnist');
  const { dataset } = await loadDataset({ cacheKey: 'hvp', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) });
  const base = defaultComparison();
  const config = { ...base, model: kind === 'mlp' ? DEFAULT_MLP : DEFAULT_CNN, lanes: base.lanes.slice(0, 1) };
  const steps = kind === 'mlp' ? 600 : 150;
  const comparison = new Comparison(dataset, config);
  for (let done = 0; done < steps; done += 50) await comparison.trainWindow(50);
  const snap = await comparison.snapshot([config.lanes[0].id]);
  comparison.dispose();
  const samples = kind === 'mlp' ? 1000 : 256;
  const set = makeEvalSet(dataset.train, dataset.info, samples, gradientChunkSize(snap.model));
  const weights = snap.weights.get(config.lanes[0].id)!.current;
  const ops = new Map<number, HessianOperator>();
  const central = (step: number) => {
    if (!ops.has(step)) ops.set(step, new HessianOperator(snap.model, weights, set, 'cross-entropy', step));
    return ops.get(step)!;
  };
  const reference = combination([
    [64 / 45, central(5e-4)],
    [-20 / 45, central(1e-3)],
    [1 / 45, central(2e-3)],
  ]);
  const run = await lanczos(central(1e-4), gaussian(central(1e-4).dimension, 1), kind === 'mlp' ? 40 : 25);
  const [u1, u2] = topRitz(run, 2, true).map((p) => p.vector.map((x) => x / norm(p.vector)));
  const exact1 = await reference.apply(u1);
  const exact2 = await reference.apply(u2);
  const lambda = [dot(u1, exact1), dot(u2, exact2)];
  const schemes: Array<[string, SymmetricOperator]> = [
    ...[1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6].map((s) => [`central ${s}`, central(s)] as [string, SymmetricOperator]),
    [
      'Richardson 1e-3 (4 gradients)',
      combination([
        [4 / 3, central(5e-4)],
        [-1 / 3, central(1e-3)],
      ]),
    ],
    [
      'Richardson 2e-4 (4 gradients)',
      combination([
        [4 / 3, central(1e-4)],
        [-1 / 3, central(2e-4)],
      ]),
    ],
  ];
  console.log(
    `\n${describeModel(snap.model.spec)}, trained ${steps} steps, ${set.count} samples, ` +
      `ε at 1e-3 ${central(1e-3).step(1).toExponential(2)}; ` +
      `λ1 ${lambda[0].toPrecision(7)}, λ2 ${lambda[1].toPrecision(7)} (reference)`,
  );
  console.log('| scheme | rel. error λ1 | rel. error λ2 | rel. error of Hu₁ |');
  console.log('|---|---:|---:|---:|');
  for (const [name, op] of schemes) {
    const h1 = await op.apply(u1);
    const h2 = await op.apply(u2);
    const e1 = Math.abs(dot(u1, h1) - lambda[0]) / Math.abs(lambda[0]);
    const e2 = Math.abs(dot(u2, h2) - lambda[1]) / Math.abs(lambda[1]);
    const ev = norm(h1.map((x, i) => x - exact1[i])) / norm(exact1);
    console.log(
      `| ${name}${name === `central ${RELATIVE_STEP}` ? ' (current)' : ''} | ` +
        `${e1.toExponential(1)} | ${e2.toExponential(1)} | ${ev.toExponential(1)} |`,
    );
  }
  ops.forEach((op) => op.dispose());
  disposeEvalSet(set);
}

export async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, { values: ['models'] });
  await initBackend('wasm');
  for (const kind of (options.get('models') ?? 'mlp,cnn').split(',')) await measure(kind as 'mlp' | 'cnn');
  return 0;
}
