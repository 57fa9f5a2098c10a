import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm/node';
import { convexityH5, curveH5, surfaceH5, trajectoryH5, type H5Module, type H5Scratch } from '../src/engine/io/exports/h5';
import type { TrajectoryResult } from '../src/engine/analyses/trajectory';
import { DEFAULT_ANALYSIS_SETTINGS } from '../src/engine/analyses/config';
import type { CurveResult, SurfaceResult } from '../src/engine/landscape/config';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fmp-h5-'));

async function scratch(name: string): Promise<H5Scratch> {
  await h5wasm.ready;
  return {
    h5: h5wasm as unknown as H5Module,
    path: path.join(dir, name),
    readBytes: (p) => new Uint8Array(readFileSync(p)),
    remove: (p) => rmSync(p),
  };
}

/** Reads a file back with h5wasm: dataset name → { shape, values }, and the root attributes. */
async function readBack(bytes: Uint8Array) {
  await h5wasm.ready;
  const file = path.join(dir, 'read.h5');
  writeFileSync(file, bytes);
  const f = new h5wasm.File(file, 'r');
  const sets: Record<string, { shape: number[]; values: number[] }> = {};
  for (const key of f.keys()) {
    const d = f.get(key) as { shape: number[]; value: ArrayLike<number> };
    sets[key] = { shape: d.shape, values: Array.from(d.value) };
  }
  const attrs = Object.fromEntries(Object.entries(f.attrs).map(([k, a]) => [k, (a as { value: unknown }).value]));
  f.close();
  return { sets, attrs };
}

describe('loss-landscape .h5 files', () => {
  it('a surface: xcoordinates, ycoordinates and [ny, nx] loss and accuracy (percent), −1 where not computed', async () => {
    const alphas = [-1, 0, 1];
    const betas = [-2, -1, 0, 1, 2].slice(1, 4);
    const loss = [0.5, 0.4, 0.6, 0.3, 0.1, 0.2, 0.7, NaN, 0.9];
    const surface: SurfaceResult = {
      laneId: 'lane1',
      step: 120,
      alphas,
      betas,
      loss,
      accuracy: loss.map((v) => (Number.isFinite(v) ? 1 - v : NaN)),
      split: 'train',
      samples: 500,
      level: [0, 1, 2],
      computed: 8,
      total: 9,
      seconds: 1,
      cancelled: true,
    };
    const { sets, attrs } = await readBack(surfaceH5(await scratch('s.h5'), surface, 'SGD'));
    expect(Object.keys(sets).sort()).toEqual(['train_acc', 'train_loss', 'xcoordinates', 'ycoordinates']);
    expect(sets.xcoordinates).toEqual({ shape: [3], values: alphas });
    expect(sets.ycoordinates).toEqual({ shape: [3], values: betas });
    expect(sets.train_loss.shape).toEqual([3, 3]);
    // Row j is β_j: the value at (α_i, β_j) sits at j·nx + i, as in loss-landscape's meshgrid order.
    sets.train_loss.values.forEach((v, k) => expect(v).toBeCloseTo(Number.isFinite(loss[k]) ? loss[k] : -1, 12));
    expect(sets.train_acc.values[0]).toBeCloseTo(50, 10);
    expect(sets.train_acc.values[7]).toBe(-1);
    expect(attrs).toMatchObject({ source: 'Flat Minima Playground', title: 'SGD', split: 'train' });
    expect(Number(attrs.step)).toBe(120);
  });

  it('a convexity map as plot_hessian_eigen.py writes it: min_eig and max_eig [ny, nx]', async () => {
    const axis = [-1, 0, 1];
    const map = {
      laneId: 'a',
      label: 'A',
      step: 3,
      samples: 100,
      alphas: axis,
      betas: axis,
      lambdaMin: [-1, -0.5, 0, 0.1, 0.2, 0.3, -2, -3, NaN],
      lambdaMax: [5, 6, 7, 8, 9, 10, 11, 12, NaN],
      ratio: [],
      loss: [1, 2, 3, 4, 5, 6, 7, 8, NaN],
      computed: 8,
      total: 9,
      settings: DEFAULT_ANALYSIS_SETTINGS.convexity,
      hvps: 160,
      seconds: 1,
      cancelled: true,
    };
    const { sets } = await readBack(convexityH5(await scratch('e.h5'), map, 'A'));
    expect(Object.keys(sets).sort()).toEqual(['max_eig', 'min_eig', 'train_loss', 'xcoordinates', 'ycoordinates']);
    expect(sets.min_eig.shape).toEqual([3, 3]);
    expect(sets.min_eig.values.slice(0, 8)).toEqual(map.lambdaMin.slice(0, 8));
    expect(Number.isNaN(sets.max_eig.values[8])).toBe(true);
    expect(sets.train_loss.values[8]).toBe(-1);
  });

  it('a trajectory plane for plot_contour_trajectory: explained_variance_ratio_ and per-lane proj_xcoord, proj_ycoord', async () => {
    const plane = {
      step: 40,
      centre: 'mean',
      explained: [0.7, 0.2],
      paths: [
        {
          laneId: 'a',
          label: 'A',
          steps: [0, 20, 40],
          points: [
            [1, 2],
            [0.5, 1],
            [0, 0],
          ],
        },
        {
          laneId: 'b',
          label: 'B',
          steps: [0, 20, 40],
          points: [
            [1, 2],
            [1.5, 0.5],
            [0.1, -0.2],
          ],
        },
      ],
      snapshots: 6,
      surface: null,
    } as unknown as TrajectoryResult;
    const files = trajectoryH5(await scratch('t.h5'), plane);
    expect(Object.keys(files).sort()).toEqual(['trajectory-a.h5', 'trajectory-b.h5', 'trajectory-directions.h5']);
    expect((await readBack(files['trajectory-directions.h5'])).sets.explained_variance_ratio_.values).toEqual([0.7, 0.2]);
    const b = (await readBack(files['trajectory-b.h5'])).sets;
    expect(b.proj_xcoord.values).toEqual([1, 1.5, 0.1]);
    expect(b.proj_ycoord.values).toEqual([2, 0.5, -0.2]);
    expect(b.steps.values).toEqual([0, 20, 40]);
  });

  it('a curve with a test split: xcoordinates and four [nx] datasets', async () => {
    const curve: CurveResult = {
      kind: 'interpolation',
      step: 7,
      key: 'a:current→b:current',
      label: 'A → B',
      alphas: [-0.5, 0, 0.5, 1, 1.5],
      train: { loss: [1, 0.5, 0.8, 0.4, 1.2], accuracy: [0.5, 0.8, 0.7, 0.9, 0.4] },
      test: { loss: [1.1, 0.6, 0.9, 0.5, 1.3], accuracy: [0.4, 0.7, 0.6, 0.8, 0.3] },
      samples: { train: 100, test: 50 },
      seconds: 0.1,
      cancelled: false,
    };
    const { sets, attrs } = await readBack(curveH5(await scratch('c.h5'), curve, curve.label));
    expect(Object.keys(sets).sort()).toEqual(['test_acc', 'test_loss', 'train_acc', 'train_loss', 'xcoordinates']);
    for (const name of Object.keys(sets)) expect(sets[name].shape).toEqual([5]);
    expect(sets.test_loss.values).toEqual(curve.test!.loss);
    sets.train_acc.values.forEach((v, i) => expect(v).toBeCloseTo(100 * curve.train.accuracy[i], 10));
    expect(attrs.kind).toBe('interpolation');
  });
});
