import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  defaultExperiment,
  experimentFromJson,
  experimentSchema,
  experimentToJson,
  EXPERIMENT_VERSION,
  loadExperiment,
  type Experiment,
  type LoadedExperiment,
} from '../src/engine/io/experiment';
import { decodeExperimentParam, encodeExperimentParam } from '../src/engine/io/shareLink';
import { createRng, type Rng } from '../src/engine/rng';
import { defaultComparison } from '../src/engine/train/config';

import { mutateDoc, type Mutable } from './mutation';

/** A plain JSON copy that tests can poke at freely. */
function plain(e: Experiment = defaultExperiment()): Mutable {
  return JSON.parse(JSON.stringify(e)) as Mutable;
}

function at(root: unknown, path: Array<string | number>): Mutable {
  let node = root;
  for (const key of path) node = (node as Mutable)[key];
  return node as Mutable;
}

/** The first `length` characters or one fewer, so the cut is not a base64 length error but a truncated stream. */
function truncated(param: string, length: number): string {
  return param.slice(0, length % 4 === 1 ? length - 1 : length);
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The loaded experiment is valid and plain JSON data (no prototypes, nothing non-serializable). */
function expectValid(loaded: LoadedExperiment): void {
  expect(() => experimentSchema.parse(loaded.experiment)).not.toThrow();
  expect(JSON.parse(JSON.stringify(loaded.experiment))).toStrictEqual(loaded.experiment);
  expect(Array.isArray(loaded.ignored)).toBe(true);
  for (const line of loaded.ignored) expect(typeof line).toBe('string');
}

function expectDefaults(loaded: LoadedExperiment, message: RegExp): void {
  expect(loaded.experiment).toEqual(defaultExperiment());
  expect(
    loaded.ignored.some((line) => message.test(line)),
    loaded.ignored.join('\n'),
  ).toBe(true);
}

describe('experiment documents', () => {
  it('the default is valid and versioned', () => {
    const e = defaultExperiment();
    expect(experimentSchema.parse(e)).toEqual(e);
    expect(e.version).toBe(EXPERIMENT_VERSION);
    expect(e.format).toBe('flat-minima-playground/experiment');
    expect(e.toy.surface).toBe('deform-fig1');
    expect(e.toy.runs.length).toBe(2);
  });

  it('the default round trips exactly through a JSON file', () => {
    const text = experimentToJson(defaultExperiment());
    expect(text).toContain('\n  "comparison"');
    const loaded = experimentFromJson(text);
    expect(loaded.ignored).toEqual([]);
    expect(loaded.experiment).toStrictEqual(defaultExperiment());
  });

  it('the default round trips exactly through the link parameter, which is short and URL-safe', () => {
    const param = encodeExperimentParam(defaultExperiment());
    expect(param).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(param.length).toBeLessThan(1500);
    const loaded = decodeExperimentParam(param);
    expect(loaded.ignored).toEqual([]);
    expect(loaded.experiment).toStrictEqual(defaultExperiment());
  });

  it('a non-default experiment round trips through both', () => {
    const e = defaultExperiment();
    e.comparison.model = { kind: 'cnn', channels: [8, 16], kernelSize: 5, dense: 64 };
    e.comparison.seed = 12345;
    e.comparison.trainSize = 5000;
    e.comparison.lanes[0].method = { kind: 'sam', rho: 0.1 } as Experiment['comparison']['lanes'][0]['method'];
    e.landscape.kind = 'surface';
    e.landscape.settings.range = [-2, 0.5];
    e.hessian.trackingOn = true;
    e.hessian.tracking.every = 50;
    e.toy.surface = 'custom';
    e.toy.formula = 'p1^2 + p2^2 ünïcödé';
    e.toy.start = [0.25, -3];
    const parsed = experimentSchema.safeParse(e);
    const valid = parsed.success
      ? parsed.data
      : (() => {
          throw new Error(parsed.error.message);
        })();
    expect(experimentFromJson(experimentToJson(valid))).toStrictEqual({ experiment: valid, ignored: [] });
    expect(decodeExperimentParam(encodeExperimentParam(valid))).toStrictEqual({ experiment: valid, ignored: [] });
  });
});

describe('loading old, partial and newer documents', () => {
  it('migrates version 1 ({ version: 1, config }) and says so', () => {
    const config = { ...defaultComparison(), seed: 7, epochs: 3 };
    const loaded = loadExperiment({ version: 1, config });
    expect(loaded.experiment.version).toBe(2);
    expect(loaded.experiment.comparison).toEqual(config);
    expect({ ...loaded.experiment, comparison: defaultComparison() }).toEqual(defaultExperiment());
    expect(loaded.ignored.some((line) => line.includes('migrated from version 1'))).toBe(true);
  });

  it('reads a document without a version by its contents', () => {
    const v1 = loadExperiment({ config: { ...defaultComparison(), seed: 9 } });
    expect(v1.experiment.comparison.seed).toBe(9);
    expect(v1.ignored.some((line) => line.includes('migrated from version 1'))).toBe(true);
    const doc = plain();
    delete doc.version;
    at(doc, ['comparison']).seed = 11;
    const v2 = loadExperiment(doc);
    expect(v2.experiment.comparison.seed).toBe(11);
    expect(v2.ignored).toEqual([]);
    expectDefaults(loadExperiment({ hello: 'world' }), /neither "comparison" nor "config"/);
  });

  it('loads what validates from a newer version and says it is newer', () => {
    const doc = plain();
    doc.version = 3;
    doc.newSection = { x: 1 };
    at(doc, ['comparison']).seed = 5;
    const loaded = loadExperiment(doc);
    expect(loaded.experiment.version).toBe(2);
    expect(loaded.experiment.comparison.seed).toBe(5);
    expect(loaded.ignored.some((line) => /newer version/.test(line))).toBe(true);
    expect(loaded.ignored).toContain('newSection: unknown key — dropped');
  });

  it('fills missing sections and fields from the defaults, saying which', () => {
    const doc = plain();
    delete doc.hessian;
    delete at(doc, ['comparison']).epochs;
    delete at(doc, ['landscape', 'settings']).curvePoints; // has a schema default: silent
    const loaded = loadExperiment(doc);
    expect(loaded.experiment).toEqual(defaultExperiment());
    expect(loaded.ignored).toEqual(['comparison.epochs: missing — using the default 5', 'hessian: missing — using the defaults']);
  });
});

describe('repairing broken documents field by field', () => {
  it('lists and drops unknown keys at every level', () => {
    const doc = plain();
    doc.extra = 1;
    at(doc, ['comparison']).foo = 'bar';
    at(doc, ['comparison', 'lanes', 0, 'optimizer']).beta1 = 0.9; // momentum has no beta1
    at(doc, ['landscape', 'settings']).baz = true;
    at(doc, ['toy', 'runs', 1, 'config']).qux = [1];
    const loaded = loadExperiment(doc);
    expect(loaded.experiment).toStrictEqual(defaultExperiment());
    expect([...loaded.ignored].sort()).toEqual([
      'comparison.foo: unknown key — dropped',
      'comparison.lanes.0.optimizer.beta1: unknown key — dropped',
      'extra: unknown key — dropped',
      'landscape.settings.baz: unknown key — dropped',
      'toy.runs.1.config.qux: unknown key — dropped',
    ]);
    expect(JSON.stringify(loaded.experiment)).not.toMatch(/"(extra|foo|baz|qux)"/);
  });

  it('drops one invalid lane, keeps the others and names it', () => {
    const doc = plain();
    at(doc, ['comparison', 'lanes', 1, 'optimizer']).lr = -1;
    const loaded = loadExperiment(doc);
    expect(loaded.experiment.comparison.lanes.map((lane) => lane.id)).toEqual(['lane1', 'lane3']);
    expect(loaded.ignored).toHaveLength(1);
    expect(loaded.ignored[0]).toContain('SAM');
    expect(loaded.ignored[0]).toContain('optimizer.lr');
    expect(loaded.ignored[0]).toContain('dropped');
  });

  it('drops a lane whose id repeats an earlier one', () => {
    const doc = plain();
    at(doc, ['comparison', 'lanes', 2]).id = 'lane1';
    const loaded = loadExperiment(doc);
    expect(loaded.experiment.comparison.lanes.map((lane) => lane.name)).toEqual(['SGDM', 'SAM']);
    expect(loaded.ignored[0]).toMatch(/NSO σ 0\.03.*already used/);
  });

  it('uses the default lanes when no lane survives, and says so', () => {
    const doc = plain();
    at(doc, ['comparison']).lanes = [{ name: 'broken' }, 42];
    const loaded = loadExperiment(doc);
    expect(loaded.experiment.comparison.lanes).toEqual(defaultComparison().lanes);
    expect(loaded.ignored.some((line) => /no valid lane — using the default lanes/.test(line))).toBe(true);
    expect(loaded.ignored.filter((line) => /^lane \d.* dropped/.test(line))).toHaveLength(2);
  });

  it('replaces an invalid seed by the default and keeps the rest of the comparison', () => {
    for (const seed of [-5, 1.5, 2 ** 40, 'NaN', null, [], {}]) {
      const doc = plain();
      at(doc, ['comparison']).seed = seed;
      at(doc, ['comparison']).epochs = 17;
      const loaded = loadExperiment(doc);
      expect(loaded.experiment.comparison.seed).toBe(1);
      expect(loaded.experiment.comparison.epochs).toBe(17);
      expect(loaded.ignored).toHaveLength(1);
      expect(loaded.ignored[0]).toMatch(/^comparison\.seed: .* — using the default 1$/);
    }
  });

  it('repairs single fields of the landscape, Hessian and toy sections', () => {
    const doc = plain();
    at(doc, ['landscape']).kind = 'spiral';
    at(doc, ['landscape', 'settings']).range = [1, -1];
    at(doc, ['landscape', 'settings']).curvePoints = 99;
    at(doc, ['hessian', 'settings']).topK = 1000;
    at(doc, ['hessian']).trackingOn = 'yes';
    at(doc, ['toy']).surface = 'no-such-surface';
    at(doc, ['toy']).formula = 'x'.repeat(600);
    at(doc, ['toy']).steps = 5;
    const loaded = loadExperiment(doc);
    const e = loaded.experiment;
    const d = defaultExperiment();
    expect([e.landscape.kind, e.landscape.settings.range, e.landscape.settings.curvePoints]).toEqual([
      d.landscape.kind,
      d.landscape.settings.range,
      99,
    ]);
    expect([e.hessian.settings.topK, e.hessian.trackingOn]).toEqual([d.hessian.settings.topK, d.hessian.trackingOn]);
    expect([e.toy.surface, e.toy.formula, e.toy.steps]).toEqual([d.toy.surface, d.toy.formula, 5]);
    for (const path of [
      'landscape.kind',
      'landscape.settings.range',
      'hessian.settings.topK',
      'hessian.trackingOn',
      'toy.surface',
      'toy.formula',
    ]) {
      expect(
        loaded.ignored.some((line) => line.startsWith(path)),
        `${path} in\n${loaded.ignored.join('\n')}`,
      ).toBe(true);
    }
  });
});

describe('hostile input', () => {
  it('turns anything but an object into the defaults with a message', () => {
    for (const raw of [null, 42, [], [1, 2], 'hello', true, undefined, () => 1, new Date(0)]) {
      const loaded = loadExperiment(raw);
      expectDefaults(loaded, /the experiment is .*not an object|not plain data|not a plain object/);
    }
    expectDefaults(experimentFromJson('{"version": 2,'), /^the file is not JSON: /);
    expectDefaults(experimentFromJson('42'), /not an object/);
    expectDefaults(experimentFromJson(' '.repeat(200_001)), /larger than 200 KB/);
  });

  it('leaves Object.prototype alone when keys are __proto__, constructor or prototype', () => {
    const text = `{"__proto__": {"polluted": true}, "version": 2, "constructor": {"prototype": {"polluted": true}},
      "comparison": {"__proto__": {"polluted": true}, "seed": 3, "lanes": [{"__proto__": {"polluted": true}}]},
      "toy": {"runs": [{"constructor": {"prototype": {"polluted": true}}}]}}`;
    const viaFile = experimentFromJson(text);
    const viaObject = loadExperiment(JSON.parse(text));
    const viaLink = decodeExperimentParam(toBase64Url(deflateSync(strToU8(text))));
    for (const loaded of [viaFile, viaObject, viaLink]) {
      expectValid(loaded);
      expect(loaded.experiment.comparison.seed).toBe(3);
      expect(Object.getPrototypeOf(loaded.experiment)).toBe(Object.prototype);
      expect(loaded.ignored.some((line) => line.includes('__proto__'))).toBe(true);
    }
    expect(({} as Mutable).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('does not run getters and does not keep class instances', () => {
    let called = false;
    const doc = plain();
    Object.defineProperty(at(doc, ['comparison']), 'seed', {
      enumerable: true,
      get: () => {
        called = true;
        return 3;
      },
    });
    const loaded = loadExperiment(doc);
    expect(called).toBe(false);
    expect(loaded.experiment.comparison.seed).toBe(1);
    expectValid(loaded);
  });

  it('turns a garbage link parameter into the defaults with a message, without throwing', () => {
    const valid = encodeExperimentParam(defaultExperiment());
    const bomb = toBase64Url(deflateSync(strToU8(`{"toy":{"formula":"${' '.repeat(5_000_000)}"}}`), { level: 9 }));
    expect(bomb.length).toBeLessThan(100_000);
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['!!!not base64!!!', /not base64url/],
      ['ümlaut', /not base64url/],
      ['A', /not base64url/],
      [truncated(valid, Math.floor(valid.length / 2)), /damaged/],
      [truncated(valid, valid.length - 3), /damaged/],
      [toBase64Url(strToU8('{"version": 2, "comparison": {}}')), /damaged|not JSON|UTF-8/],
      [toBase64Url(new Uint8Array([0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x01, 0x02, 0x03])), /damaged|not JSON|UTF-8/],
      [toBase64Url(deflateSync(strToU8('not json at all'))), /not JSON/],
      [toBase64Url(deflateSync(new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]))), /UTF-8/],
      [bomb, /more than 200 KB/],
      ['A'.repeat(100_001), /longer than/],
    ];
    for (const [param, message] of cases) {
      let loaded: LoadedExperiment | undefined;
      expect(
        () => {
          loaded = decodeExperimentParam(param);
        },
        param.slice(0, 40),
      ).not.toThrow();
      expectDefaults(loaded as LoadedExperiment, message);
    }
    const rng = createRng(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < 200; i++) {
      const param = Array.from({ length: 1 + rng.int(300) }, () => alphabet[rng.int(alphabet.length)]).join('');
      const loaded = decodeExperimentParam(param);
      expectValid(loaded);
      expect(loaded.ignored.length).toBeGreaterThan(0);
    }
  });

  it('stops inflating a deflate bomb quickly', () => {
    const bomb = toBase64Url(deflateSync(new Uint8Array(20_000_000).fill(32), { level: 9 }));
    const start = performance.now();
    expectDefaults(decodeExperimentParam(bomb), /more than 200 KB/);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('bounds deep nesting, long lists and long strings', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const doc = plain();
    doc.deep = deep;
    at(doc, ['comparison']).lanes = [...(at(doc, ['comparison']).lanes as unknown as unknown[]), ...Array.from({ length: 5000 }, () => 1)];
    at(doc, ['toy']).formula = 'p1'.repeat(1_000_000);
    const loaded = loadExperiment(doc);
    expectValid(loaded);
    expect(loaded.experiment.comparison.lanes).toHaveLength(3);
    expect(loaded.experiment.toy.formula).toBe(defaultExperiment().toy.formula);
    expect(loaded.ignored.length).toBeLessThanOrEqual(51);
    for (const line of loaded.ignored) expect(line.length).toBeLessThanOrEqual(300);
    // Many problems are counted, not listed one by one.
    const many = plain();
    for (let i = 0; i < 90; i++) many[`junk${i}`] = i;
    const crowded = loadExperiment(many);
    expect(crowded.ignored).toHaveLength(51);
    expect(crowded.ignored[50]).toMatch(/^… and 40 more problems$/);
  });
});

describe('fuzzing', () => {
  function randomValue(rng: Rng): unknown {
    const choices: Array<() => unknown> = [
      () => null,
      () => true,
      () => rng.next() * 100 - 50,
      () => rng.int(1000),
      () => 1e308,
      () => -1e308,
      () => Number.NaN,
      () => Number.POSITIVE_INFINITY,
      () => 'NaN',
      () => '',
      () => 'x'.repeat(rng.int(2000)),
      () => [],
      () => [1, 'a', null],
      () => ({}),
      () => ({ kind: 'sam', rho: 'big' }),
      () => ({ __proto__: { polluted: true } }),
      () => '#zzzzzz',
      () => -0,
    ];
    return choices[rng.int(choices.length)]();
  }

  const mutate = (doc: Mutable, rng: Rng) => mutateDoc(doc, rng, randomValue);

  it('never throws on ~300 random mutations and always returns a valid experiment', () => {
    const rng = createRng(2024);
    let repaired = 0;
    for (let i = 0; i < 300; i++) {
      const doc = plain();
      mutate(doc, rng);
      let loaded: LoadedExperiment | undefined;
      expect(() => {
        loaded = loadExperiment(doc);
      }).not.toThrow();
      const result = loaded as LoadedExperiment;
      expect(() => experimentSchema.parse(result.experiment)).not.toThrow();
      expectValid(result);
      // Repaired field by field, never by the catch-all fallback.
      expect(result.ignored.join('\n')).not.toMatch(/could not be read/);
      if (result.ignored.length > 0) repaired++;
      // Through a file and a link too: JSON cannot carry NaN or Infinity, they become null.
      const text = JSON.stringify(doc);
      expectValid(experimentFromJson(text));
      const viaLink = decodeExperimentParam(toBase64Url(deflateSync(strToU8(text))));
      expectValid(viaLink);
      // A loaded experiment is stable: loading it again changes nothing.
      expect(loadExperiment(result.experiment)).toStrictEqual({ experiment: result.experiment, ignored: [] });
    }
    expect(repaired).toBeGreaterThan(150);
    expect(({} as Mutable).polluted).toBeUndefined();
  });
});
