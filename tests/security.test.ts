import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

describe('no code from strings, no raw HTML', () => {
  it('the app, engine, worker and scripts never eval, build functions from strings or write HTML', () => {
    const offenders: string[] = [];
    const patterns = [
      /\beval\s*\(/,
      /new\s+Function\b/,
      /[^.\w]Function\s*\(/,
      /\binnerHTML\b/,
      /\bouterHTML\b/,
      /dangerouslySetInnerHTML/,
      /insertAdjacentHTML/,
      /document\.write/,
      /setTimeout\(\s*['"`]/,
    ];
    for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'scripts'))]) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const p of patterns) if (p.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it("every entry point turns off zod's JIT (new Function) before any schema is built", () => {
    for (const entry of ['src/app/main.tsx', 'src/worker/engine.worker.ts', 'src/bench/page.ts']) {
      const firstImport = readFileSync(path.join(root, entry), 'utf8')
        .split('\n')
        .find((l) => l.startsWith('import '));
      expect(firstImport, entry).toBe("import '../engine/noEval';");
    }
  });
});
