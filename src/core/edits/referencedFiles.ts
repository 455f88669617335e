// Which workspace files the picked files of a refactor refer to: relative imports (JS/TS), relative
// `from .x import` (Python) and `#include "x.h"` (C/C++), resolved against the known file list.
// Pure (no vscode import, no file system), unit-tested.

const JS_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bexport\s+\*\s+from\s*)['"](\.{1,2}\/[^'"\n]+)['"]/g;
const PY_RELATIVE = /^[ \t]*from[ \t]+(\.+)([\w.]*)[ \t]+import\b/gm;
const C_INCLUDE = /^[ \t]*#[ \t]*include[ \t]+"([^"\n]+)"/gm;

const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.vue', '.svelte'];

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Joins and normalises `a/b` + `../c`; undefined when it climbs above the root. */
export function joinPath(dir: string, relative: string): string | undefined {
  const out = dir === '' ? [] : dir.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** The paths an import could mean, most likely first. */
function scriptCandidates(base: string): string[] {
  const candidates = [base];
  // TypeScript's ESM style names the emitted .js file: ./x.js is ./x.ts in the sources.
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(`${stem}.ts`, `${stem}.tsx`, `${stem}.${js[1] ?? ''}ts`);
  }
  for (const ext of SCRIPT_EXTENSIONS) candidates.push(base + ext);
  for (const ext of SCRIPT_EXTENSIONS) candidates.push(`${base}/index${ext}`);
  return candidates;
}

/** Workspace paths `text` (the file at `fromPath`) refers to, in order of first mention, among `known`. */
export function referencedPaths(fromPath: string, text: string, known: ReadonlySet<string>): string[] {
  const dir = dirname(fromPath);
  const found: string[] = [];
  const add = (candidates: readonly string[]): void => {
    const hit = candidates.find((c) => known.has(c));
    if (hit !== undefined && hit !== fromPath && !found.includes(hit)) found.push(hit);
  };
  const mentions: { at: number; candidates: string[] }[] = [];
  for (const m of text.matchAll(JS_SPECIFIER)) {
    const base = joinPath(dir, m[1]);
    if (base !== undefined) mentions.push({ at: m.index, candidates: scriptCandidates(base) });
  }
  for (const m of text.matchAll(PY_RELATIVE)) {
    const up = '../'.repeat(m[1].length - 1);
    const module = m[2].replace(/\./g, '/');
    const base = joinPath(dir, `${up}${module}`);
    if (base === undefined) continue;
    mentions.push({ at: m.index, candidates: module === '' ? [`${base}/__init__.py`] : [`${base}.py`, `${base}/__init__.py`] });
  }
  for (const m of text.matchAll(C_INCLUDE)) {
    const base = joinPath(dir, m[1]);
    if (base !== undefined) mentions.push({ at: m.index, candidates: [base] });
  }
  mentions.sort((a, b) => a.at - b.at);
  for (const mention of mentions) add(mention.candidates);
  return found;
}

/** Files the picked ones refer to, not picked themselves, most mentioned first, at most `limit`. */
export function referencedFiles(picked: readonly { path: string; text: string }[], known: ReadonlySet<string>, limit: number): string[] {
  const pickedPaths = new Set(picked.map((p) => p.path));
  const order: string[] = [];
  const count = new Map<string, number>();
  for (const file of picked) {
    for (const path of referencedPaths(file.path, file.text, known)) {
      if (pickedPaths.has(path)) continue;
      if (!count.has(path)) order.push(path);
      count.set(path, (count.get(path) ?? 0) + 1);
    }
  }
  // Stable: ties keep the order of first mention.
  return order
    .map((path, index) => ({ path, index, n: count.get(path) ?? 0 }))
    .sort((a, b) => b.n - a.n || a.index - b.index)
    .slice(0, limit)
    .map((e) => e.path);
}
