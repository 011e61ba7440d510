// Issue 18's shape, checked: the layers import downward only, there is no import cycle, services
// reach the database through drizzle only, and command files stay thin.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(fileURLToPath(new URL('../../src', import.meta.url)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const FILES = sourceFiles(SRC);
const rel = (path: string) => relative(SRC, path);

/** Relative imports of a file (static and dynamic), resolved to source paths. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.map((s) => resolve(dirname(path), s.replace(/\.js$/, '.ts')));
}

// Lower layers never import higher ones. index.ts (the library) and cli/ sit on top.
const LAYER: Array<[string, number]> = [
  ['cli/', 5],
  ['prompts/', 4],
  ['services/', 3],
  ['csv/', 2],
  ['domain/', 1],
  ['db/', 1],
  ['errors.ts', 0],
];
function layerOf(path: string): number | null {
  const r = rel(path);
  if (r === 'index.ts') return 6;
  return LAYER.find(([prefix]) => r.startsWith(prefix))?.[1] ?? null;
}

describe('architecture (issue 18)', () => {
  it('no module imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const file of FILES) {
      const own = layerOf(file);
      for (const target of importsOf(file)) {
        const theirs = layerOf(target);
        if (own !== null && theirs !== null && theirs > own) upward.push(`${rel(file)} → ${rel(target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the import graph has no cycle', () => {
    const graph = new Map(FILES.map((f) => [f, importsOf(f).filter((t) => FILES.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('services reach the database through drizzle only (no raw SQL strings through db.query)', () => {
    const raw = FILES.filter((f) => rel(f).startsWith('services/'))
      .filter((f) => /\.query[<(]|legacyQueryable/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(raw).toEqual([]);
  });

  it('no message below src/cli names a CLI flag or command: they are {option} and {command:…} there', () => {
    const offenders: string[] = [];
    // index.ts names commands as the keys of its payload map, which are no messages.
    for (const file of FILES.filter((f) => !rel(f).startsWith('cli/') && rel(f) !== 'index.ts')) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
        if (/new AosError\(|AosError\(/.test(line) || /'[^']*(\s--[a-z][a-z-]+|`aos [a-z])[^']*'|`[^`]*\s--[a-z][a-z-]+[^`]*`/.test(line)) {
          if (/(^|[\s'"`(])--[a-z][a-z-]+|`aos [a-z]/.test(line)) offenders.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });

  it('no function in src/ is longer than 60 lines (a longer one is split into named steps)', () => {
    const long: string[] = [];
    for (const file of FILES) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > 60) long.push(`${rel(file)}:${start + 1}: ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });

  it('no error is recognised by its wording: code tells errors apart by AosError.kind', () => {
    const byWords = /\.message\.(startsWith|endsWith|includes|match)\(|\.(test|exec)\([^)]*\.message\b/;
    const offenders: string[] = [];
    for (const file of FILES) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (byWords.test(line)) offenders.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('command files are thin: at most 60 lines of code each', () => {
    const dir = join(SRC, 'cli', 'commands');
    const long = readdirSync(dir)
      .map((name) => [name, readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|\*|\/\*)/.test(l)).length] as const)
      .filter(([, lines]) => lines > 60)
      .map(([name, lines]) => `${name}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
