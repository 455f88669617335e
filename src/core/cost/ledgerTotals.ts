// Per-day aggregates of ledger records (cost, requests, tokens by tier, model, workspace, task): folding and adding up.
import type { LedgerRecord, OutcomeUpdateRecord } from '../router/decision';

export interface Bucket {
  costUsd: number;
  requests: number;
}

export interface ModelBucket extends Bucket {
  accepted: number;
  rejected: number;
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Everything known about one local day. */
export interface DayAggregate {
  costUsd: number;
  requests: number;
  /** Requests whose model had no known price (counted, not costed). */
  unpriced: number;
  tokens: TokenCounts;
  byTier: Record<string, Bucket>;
  byModel: Record<string, ModelBucket>;
  byWorkspace: Record<string, Bucket>;
  byTask: Record<string, Bucket>;
}

/** The days of a range added up, with each day kept for charts. */
export interface LedgerTotals extends DayAggregate {
  /** Per day in range, for charts of cost over time. */
  days: Record<string, DayAggregate>;
}

export interface TotalsQuery {
  /** Inclusive `YYYY-MM-DD` bounds. */
  fromDay?: string;
  toDay?: string;
}

/** Key used in `byWorkspace` for decisions made outside any workspace. */
export const NO_WORKSPACE = '(no workspace)';

/**
 * An empty record for keys read from ledger lines (model ids, workspaces, days). No prototype, so a model
 * called `__proto__` or `constructor` is one more key, not a way into Object.prototype.
 */
export function keyedRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function emptyDay(): DayAggregate {
  return {
    costUsd: 0,
    requests: 0,
    unpriced: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    byTier: keyedRecord(),
    byModel: keyedRecord(),
    byWorkspace: keyedRecord(),
    byTask: keyedRecord(),
  };
}

export function emptyTotals(): Omit<LedgerTotals, 'days'> {
  return {
    costUsd: 0,
    requests: 0,
    unpriced: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    byTier: keyedRecord(),
    byModel: keyedRecord(),
    byWorkspace: keyedRecord(),
    byTask: keyedRecord(),
  };
}

function bump(map: Record<string, Bucket>, key: string, cost: number, requests: number): void {
  const b = map[key] ?? (map[key] = { costUsd: 0, requests: 0 });
  b.costUsd += cost;
  b.requests += requests;
}

function modelBucket(map: Record<string, ModelBucket>, key: string): ModelBucket {
  return map[key] ?? (map[key] = { costUsd: 0, requests: 0, accepted: 0, rejected: 0 });
}

export function foldRecord(days: Map<string, DayAggregate>, r: LedgerRecord): void {
  let day = days.get(r.day);
  if (day === undefined) {
    day = emptyDay();
    days.set(r.day, day);
  }
  if (r.type === 'outcome') {
    foldOutcome(day, r);
    return;
  }
  const cost = typeof r.costUsd === 'number' && Number.isFinite(r.costUsd) ? r.costUsd : 0;
  day.costUsd += cost;
  day.requests += 1;
  if (r.costUsd === null) day.unpriced += 1;
  if (r.usage) {
    day.tokens.input += r.usage.inputTokens;
    day.tokens.output += r.usage.outputTokens;
    day.tokens.cacheRead += r.usage.cacheReadTokens;
    day.tokens.cacheWrite += r.usage.cacheWriteTokens;
  }
  const model = r.answeredBy ?? r.chosen;
  bump(day.byTier, model?.tier ?? 'none', cost, 1);
  const mb = modelBucket(day.byModel, model?.id ?? 'none');
  mb.costUsd += cost;
  mb.requests += 1;
  bump(day.byWorkspace, r.workspace ?? NO_WORKSPACE, cost, 1);
  bump(day.byTask, r.task, cost, 1);
}

function foldOutcome(day: DayAggregate, u: OutcomeUpdateRecord): void {
  if (u.model === null || (u.outcome !== 'accepted' && u.outcome !== 'rejected')) return;
  const mb = modelBucket(day.byModel, u.model);
  if (u.outcome === 'accepted') mb.accepted += 1;
  else mb.rejected += 1;
}

function mergeBuckets<B extends Bucket>(into: Record<string, B>, from: Record<string, B>): void {
  for (const [k, b] of Object.entries(from)) {
    const t = into[k];
    if (t === undefined) into[k] = { ...b };
    else
      for (const field of Object.keys(b) as (keyof B)[]) {
        (t[field] as number) += b[field] as number;
      }
  }
}

export function addDay(into: Omit<LedgerTotals, 'days'>, day: DayAggregate): void {
  into.costUsd += day.costUsd;
  into.requests += day.requests;
  into.unpriced += day.unpriced;
  into.tokens.input += day.tokens.input;
  into.tokens.output += day.tokens.output;
  into.tokens.cacheRead += day.tokens.cacheRead;
  into.tokens.cacheWrite += day.tokens.cacheWrite;
  mergeBuckets(into.byTier, day.byTier);
  mergeBuckets(into.byModel, day.byModel);
  mergeBuckets(into.byWorkspace, day.byWorkspace);
  mergeBuckets(into.byTask, day.byTask);
}

export function cloneDay(day: DayAggregate): DayAggregate {
  const out = emptyDay();
  addDay(out, day);
  return out;
}

export function mergeDay(into: DayAggregate, day: DayAggregate): DayAggregate {
  addDay(into, day);
  return into;
}
