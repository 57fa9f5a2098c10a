/**
 * The shape of the tree: no import circles (type imports included), layers that only import
 * downwards, a main thread that never loads tfjs, and no source module over ~400 lines.
 * Imports are read with a regular expression (the sources are Prettier-formatted TypeScript).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const IMPORT = /^(import|export)\s+(type\s+)?([^;]*?)\s*from\s*'([^']+)';/gms;
const MAX_LINES = 400;

interface Edge {
  to: string;
  /** `import type …` or every name imported as `type X`: erased at run time. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

function resolve(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = path.resolve(path.dirname(from), spec.split('?')[0]);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next extension
    }
  }
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve "${spec}"`);
}

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => {
    const names = m[3].replace(/^\{|\}$/g, '');
    const allTypes = /^\{[^}]*\}$/s.test(m[3].trim()) && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()));
    return { to: resolve(file, m[4]), typeOnly: Boolean(m[2]) || allTypes };
  });
}

const files = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'scripts'))];
const graph = new Map(files.map((f) => [f, edgesOf(f)]));
const rel = (f: string) => path.relative(ROOT, f);

function findCycle(): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    state.set(f, 'open');
    stack.push(f);
    for (const { to } of graph.get(f) ?? []) {
      if (!graph.has(to)) continue;
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to].map(rel);
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    if (state.has(f)) continue;
    const found = visit(f);
    if (found) return found;
  }
  return null;
}

/** The modules `entry` loads at run time through static imports (type imports and import() left out). */
function runtimeClosure(entry: string): Map<string, string> {
  const parent = new Map<string, string>([[entry, '']]);
  const queue = [entry];
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const { to, typeOnly } of graph.get(f) ?? []) {
      if (typeOnly || parent.has(to)) continue;
      parent.set(to, f);
      if (graph.has(to)) queue.push(to);
    }
  }
  return parent;
}

describe('the tree', () => {
  it('has no import circle, type imports included', () => {
    expect(findCycle()).toBeNull();
  });

  it('keeps the engine free of the UI, the worker, React, three.js and the scripts', () => {
    const engine = files.filter((f) => rel(f).startsWith('src/engine/'));
    const bad = engine.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter(({ to }) => /^(src\/(app|worker|bench)|scripts)\//.test(rel(to)) || /^(react|three|uplot|zustand|comlink)/.test(to))
        .map(({ to }) => `${rel(f)} → ${graph.has(to) ? rel(to) : to}`),
    );
    expect(bad).toEqual([]);
  });

  it('keeps src/ from importing scripts/', () => {
    const bad = files
      .filter((f) => rel(f).startsWith('src/'))
      .flatMap((f) => (graph.get(f) ?? []).filter(({ to }) => rel(to).startsWith('scripts/')).map(({ to }) => `${rel(f)} → ${rel(to)}`));
    expect(bad).toEqual([]);
  });

  it('loads no tfjs on the main thread: the page reaches tfjs only through import() of the on-page engine', () => {
    const closure = runtimeClosure(path.join(ROOT, 'src/app/main.tsx'));
    const chain = (f: string): string => (closure.get(f) ? `${chain(closure.get(f)!)} → ${graph.has(f) ? rel(f) : f}` : rel(f));
    const tfjs = [...closure.keys()].filter((f) => f.startsWith('@tensorflow/') && !f.endsWith('?url') && !f.includes('.wasm'));
    expect(tfjs.map(chain)).toEqual([]);
  });

  it(`has no source module over ${MAX_LINES} lines`, () => {
    const long = files
      .filter((f) => rel(f).startsWith('src/'))
      .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
