import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, experimentToJson } from '../src/engine/io/experiment';
import { collectExperiment } from '../src/app/share/experimentActions';

const committed = path.join(import.meta.dirname, '..', 'experiments', 'default.json');

describe('experiments/default.json', () => {
  it("is the app's default setup exactly, and the headless default (npm run experiment -- --config experiments/default.json)", () => {
    const app = experimentToJson(collectExperiment());
    expect(app).toBe(experimentToJson(defaultExperiment()));
    expect(readFileSync(committed, 'utf8')).toBe(app);
  });
});
