// How often shown inline completions were accepted, per model and per language, with Wilson intervals.
import { Z_95 } from './bradleyTerry';

export type CompletionEvent =
  | { type: 'shown'; id: string; model: string; language: string; time: number }
  /** Fired by the inline completion item's command, which runs only on accept. */
  | { type: 'accepted'; id: string; time: number };

export interface Interval {
  low: number;
  high: number;
}

export interface AcceptanceRow {
  /** Undefined in the per-language rows. */
  model?: string;
  /** Undefined in the per-model rows. */
  language?: string;
  shown: number;
  accepted: number;
  rate: number;
  ciLow: number;
  ciHigh: number;
}

export interface AcceptanceStats {
  byModel: AcceptanceRow[];
  byLanguage: AcceptanceRow[];
  byModelAndLanguage: AcceptanceRow[];
  /** Accept events whose suggestion was never recorded as shown; not counted in any rate. */
  unmatchedAccepts: number;
}

/** Wilson score interval for a proportion: well-behaved at 0, 1 and small counts, unlike the normal approximation. */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval {
  if (!(trials > 0)) return { low: 0, high: 1 };
  if (successes < 0 || successes > trials) {
    throw new Error(`A proportion needs 0 ≤ successes ≤ trials, got ${successes} of ${trials}.`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

interface Count {
  model?: string;
  language?: string;
  shown: number;
  accepted: number;
}

function rowOf(c: Count, z: number): AcceptanceRow {
  const { low, high } = wilsonInterval(c.accepted, c.shown, z);
  const row: AcceptanceRow = { shown: c.shown, accepted: c.accepted, rate: c.accepted / c.shown, ciLow: low, ciHigh: high };
  if (c.model !== undefined) row.model = c.model;
  if (c.language !== undefined) row.language = c.language;
  return row;
}

function rowsOf(counts: Map<string, Count>, z: number): AcceptanceRow[] {
  return [...counts.values()]
    .map((c) => rowOf(c, z))
    .sort((x, y) => (x.model ?? '').localeCompare(y.model ?? '') || (x.language ?? '').localeCompare(y.language ?? ''));
}

function countInto(counts: Map<string, Count>, key: string, seed: Omit<Count, 'shown' | 'accepted'>, hit: number): void {
  const c = counts.get(key) ?? { ...seed, shown: 0, accepted: 0 };
  c.shown++;
  c.accepted += hit;
  counts.set(key, c);
}

/**
 * Counts each suggestion id once: a repeated "shown" (the same item re-rendered) or "accepted"
 * does not inflate the numbers. Rows are sorted by model, then language.
 */
export function acceptanceStats(events: readonly CompletionEvent[], z: number = Z_95): AcceptanceStats {
  const shown = new Map<string, { model: string; language: string }>();
  for (const e of events) {
    if (e.type === 'shown' && !shown.has(e.id)) shown.set(e.id, { model: e.model, language: e.language });
  }
  const accepted = new Set<string>();
  let unmatchedAccepts = 0;
  for (const e of events) {
    if (e.type !== 'accepted') continue;
    if (shown.has(e.id)) accepted.add(e.id);
    else unmatchedAccepts++;
  }
  const perModel = new Map<string, Count>();
  const perLanguage = new Map<string, Count>();
  const perModelAndLanguage = new Map<string, Count>();
  for (const [id, { model, language }] of shown) {
    const hit = accepted.has(id) ? 1 : 0;
    countInto(perModel, model, { model }, hit);
    countInto(perLanguage, language, { language }, hit);
    countInto(perModelAndLanguage, JSON.stringify([model, language]), { model, language }, hit);
  }
  return {
    byModel: rowsOf(perModel, z),
    byLanguage: rowsOf(perLanguage, z),
    byModelAndLanguage: rowsOf(perModelAndLanguage, z),
    unmatchedAccepts,
  };
}
