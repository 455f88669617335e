// The router panel's "Feel" data from the ledger and the votes: acceptance events, leaderboards with
// route proposals per task, version drift, and before/after figures around a version change.
import type { DecisionRecord } from '../../core/router/decision';
import type { AcceptanceRow, AcceptanceStats, CompletionEvent } from '../../core/ratings/acceptance';
import { wilsonInterval } from '../../core/ratings/acceptance';
import type { PairwiseVote } from '../../core/ratings/blinding';
import type { BradleyTerryOptions, Leaderboard } from '../../core/ratings/bradleyTerry';
import { leaderboardsByTask } from '../../core/ratings/bradleyTerry';
import type { DriftEvent, ModelVersionObservation } from '../../core/ratings/drift';
import type { ProposalOptions, RouteProposalResult } from '../../core/ratings/proposal';
import { proposeRouteChange } from '../../core/ratings/proposal';
import type { TaskKind } from '../../core/types';
import { TASK_KINDS } from '../../core/types';
import type { DriftComparison, VersionStats } from '../../shared/routerPanelData';

/** A completion counts as shown unless it failed or was cut off; `accepted` comes from the outcome update. */
export function completionEventsOf(records: Iterable<DecisionRecord>): CompletionEvent[] {
  const events: CompletionEvent[] = [];
  for (const r of records) {
    if (r.task !== 'completion' || r.answeredBy === null) continue;
    if (r.outcome === 'error' || r.outcome === 'aborted') continue;
    events.push({ type: 'shown', id: r.id, model: r.answeredBy.id, language: r.language ?? 'unknown', time: r.time });
    if (r.outcome === 'accepted') events.push({ type: 'accepted', id: r.id, time: r.time });
  }
  return events;
}

interface Tally {
  model?: string;
  language?: string;
  shown: number;
  accepted: number;
}

/**
 * The same numbers as `acceptanceStats(completionEventsOf(records))`, kept up to date one record at a
 * time: re-counting 100k events on every live decision would cost the panel its frame budget.
 */
export class AcceptanceCounter {
  private readonly byModel = new Map<string, Tally>();
  private readonly byLanguage = new Map<string, Tally>();
  private readonly byPair = new Map<string, Tally>();

  static fromRecords(records: Iterable<DecisionRecord>): AcceptanceCounter {
    const counter = new AcceptanceCounter();
    for (const r of records) counter.add(r);
    return counter;
  }

  add(record: DecisionRecord): void {
    this.count(record, 1);
  }

  /** A record's outcome changed: take the old version out, put the new one in. */
  replace(before: DecisionRecord, after: DecisionRecord): void {
    this.count(before, -1);
    this.count(after, 1);
  }

  stats(): AcceptanceStats {
    return {
      byModel: rowsOf(this.byModel),
      byLanguage: rowsOf(this.byLanguage),
      byModelAndLanguage: rowsOf(this.byPair),
      unmatchedAccepts: 0,
    };
  }

  private count(r: DecisionRecord, sign: 1 | -1): void {
    if (r.task !== 'completion' || r.answeredBy === null || r.outcome === 'error' || r.outcome === 'aborted') return;
    const model = r.answeredBy.id;
    const language = r.language ?? 'unknown';
    const hit = r.outcome === 'accepted' ? sign : 0;
    bump(this.byModel, model, { model }, sign, hit);
    bump(this.byLanguage, language, { language }, sign, hit);
    bump(this.byPair, `${model}\u0000${language}`, { model, language }, sign, hit);
  }
}

function bump(map: Map<string, Tally>, key: string, seed: Pick<Tally, 'model' | 'language'>, shown: number, accepted: number): void {
  let t = map.get(key);
  if (t === undefined) map.set(key, (t = { ...seed, shown: 0, accepted: 0 }));
  t.shown += shown;
  t.accepted += accepted;
  if (t.shown === 0) map.delete(key);
}

function rowsOf(map: Map<string, Tally>): AcceptanceRow[] {
  return [...map.values()]
    .map((t) => {
      const { low, high } = wilsonInterval(t.accepted, t.shown);
      const row: AcceptanceRow = { shown: t.shown, accepted: t.accepted, rate: t.accepted / t.shown, ciLow: low, ciHigh: high };
      if (t.model !== undefined) row.model = t.model;
      if (t.language !== undefined) row.language = t.language;
      return row;
    })
    .sort((x, y) => (x.model ?? '').localeCompare(y.model ?? '') || (x.language ?? '').localeCompare(y.language ?? ''));
}

/** What detectDrift / noteModelVersion read from a decision: the answering model's version, if any. */
export function versionObservationOf(record: DecisionRecord): ModelVersionObservation | undefined {
  if (record.answeredBy === null || record.modelVersion === undefined || record.modelVersion === '') return undefined;
  return { model: record.answeredBy.id, version: record.modelVersion, time: record.time };
}

export function versionObservationsOf(records: Iterable<DecisionRecord>): ModelVersionObservation[] {
  const out: ModelVersionObservation[] = [];
  for (const r of records) {
    const o = versionObservationOf(r);
    if (o !== undefined) out.push(o);
  }
  return out;
}

export interface LeaderboardsAndProposals {
  /** In TASK_KINDS order; only tasks with votes. */
  leaderboards: Leaderboard[];
  /** One per task kind: a proposal, or why the route stays. */
  proposals: RouteProposalResult[];
}

export function leaderboardsAndProposals(
  votes: readonly PairwiseVote[],
  routes: Readonly<Record<TaskKind, readonly string[]>>,
  options: BradleyTerryOptions & ProposalOptions = {},
): LeaderboardsAndProposals {
  const boards = leaderboardsByTask(votes, options);
  const leaderboards: Leaderboard[] = [];
  const proposals: RouteProposalResult[] = [];
  for (const task of TASK_KINDS) {
    const board = boards.get(task);
    if (board === undefined) {
      proposals.push({ kind: 'keep', task, reason: `No ${task} comparisons voted on yet.` });
      continue;
    }
    leaderboards.push(board);
    proposals.push(proposeRouteChange(task, routes[task] ?? [], board, options));
  }
  return { leaderboards, proposals };
}

export const DEFAULT_DRIFT_SAMPLE = 200;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function statsOf(version: string, records: readonly DecisionRecord[]): VersionStats {
  const ttft: number[] = [];
  const total: number[] = [];
  let cost = 0;
  let priced = 0;
  let output = 0;
  let withUsage = 0;
  let errors = 0;
  let shown = 0;
  let accepted = 0;
  for (const r of records) {
    if (r.outcome === 'error') errors++;
    if (r.ttftMs !== null) ttft.push(r.ttftMs);
    if (r.totalMs !== null) total.push(r.totalMs);
    if (r.costUsd !== null) {
      cost += r.costUsd;
      priced++;
    }
    if (r.usage !== null) {
      output += r.usage.outputTokens;
      withUsage++;
    }
    if (r.task === 'completion' && r.outcome !== 'error' && r.outcome !== 'aborted') {
      shown++;
      if (r.outcome === 'accepted') accepted++;
    }
  }
  return {
    version,
    requests: records.length,
    errors,
    completionsShown: shown,
    completionsAccepted: accepted,
    medianTtftMs: median(ttft),
    medianTotalMs: median(total),
    meanCostUsd: priced === 0 ? null : cost / priced,
    meanOutputTokens: withUsage === 0 ? null : output / withUsage,
  };
}

/**
 * "Compare against previous": the last `sample` decisions the model answered on its previous
 * version before the change, against the first `sample` on the new one.
 */
export function compareAcrossVersionChange(
  records: Iterable<DecisionRecord>,
  event: DriftEvent,
  sample: number = DEFAULT_DRIFT_SAMPLE,
): DriftComparison {
  const before: DecisionRecord[] = [];
  const after: DecisionRecord[] = [];
  for (const r of records) {
    if (r.answeredBy?.id !== event.model) continue;
    if (r.modelVersion === event.previousVersion && r.time < event.firstSeen) before.push(r);
    else if (r.modelVersion === event.newVersion && r.time >= event.firstSeen) after.push(r);
  }
  before.sort((x, y) => x.time - y.time);
  after.sort((x, y) => x.time - y.time);
  return {
    model: event.model,
    before: statsOf(event.previousVersion, before.slice(-sample)),
    after: statsOf(event.newVersion, after.slice(0, sample)),
    changedAt: event.firstSeen,
  };
}

/** The latest drift event for a model, for the "Compare against previous" action. */
export function latestDriftFor(events: readonly DriftEvent[], model: string): DriftEvent | undefined {
  let latest: DriftEvent | undefined;
  for (const e of events) if (e.model === model && (latest === undefined || e.firstSeen >= latest.firstSeen)) latest = e;
  return latest;
}
