/** Toy-lab trajectories as CSV. */
import type { ToyResult } from '../../toy/optimizers';
import { csvRecords, csvText, readNumber } from '../csv';

export const TOY_CSV_HEADER = ['run', 'label', 'step', 'p1', 'p2', 'loss'] as const;

export interface ToyRunExport {
  id: string;
  label: string;
  result: ToyResult;
}

/** Header `run,label,step,p1,p2,loss`: one row per path point, step 0 being the start. */
export function toyCsv(runs: readonly ToyRunExport[]): string {
  const rows = runs.flatMap((run) => run.result.path.map(([p1, p2, loss], step) => [run.id, run.label, step, p1, p2, loss]));
  return csvText(TOY_CSV_HEADER, rows);
}

export interface ParsedToyRun {
  id: string;
  label: string;
  path: Array<[number, number, number]>;
}

/** Inverse of toyCsv: runs in first-seen order; each run's steps must be 0, 1, 2, … */
export function parseToyCsv(text: string): ParsedToyRun[] {
  const runs = new Map<string, ParsedToyRun>();
  csvRecords(text, TOY_CSV_HEADER, 'toy CSV').forEach(([id, label, step, p1, p2, loss], r) => {
    const at = `toy CSV record ${r + 2}`;
    const run = runs.get(id) ?? { id, label, path: [] };
    runs.set(id, run);
    if (readNumber(step, at) !== run.path.length) throw new Error(`${at}: expected step ${run.path.length} of run "${id}"`);
    if (label !== run.label) throw new Error(`${at}: run "${id}" changes label`);
    run.path.push([readNumber(p1, at), readNumber(p2, at), readNumber(loss, at)]);
  });
  return [...runs.values()];
}
