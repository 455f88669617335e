// The data the router panel receives: rows, filters, cost. Plain types and constants: src/panels/router
// builds them on the host, webview/router draws them, and the protocol carries them between.
import type { CandidateSource } from '../core/router/route';
import type { Outcome, TaskKind, Tier } from '../core/types';

// ── Decisions filter ──

export const OUTCOMES: readonly Outcome[] = ['pending', 'ok', 'accepted', 'rejected', 'error', 'aborted'];

/** Every field is optional; an absent field matches everything. `workspace: null` means "outside any workspace". */
export interface DecisionFilter {
  task?: TaskKind;
  /** The model that answered, or the router's choice when none did (see `modelOfRecord`). */
  model?: string;
  tier?: Tier;
  outcome?: Outcome;
  workspace?: string | null;
}

export interface FilterOptionCount<T> {
  value: T;
  count: number;
}

/** What the filter selects can offer, with how many decisions each value has (ignoring the other filters). */
export interface FilterOptions {
  tasks: FilterOptionCount<TaskKind>[];
  models: FilterOptionCount<string>[];
  tiers: FilterOptionCount<Tier>[];
  outcomes: FilterOptionCount<Outcome>[];
  workspaces: FilterOptionCount<string | null>[];
}

// ── Decision rows ──

export interface CandidateView {
  id: string;
  tier: Tier;
  source: CandidateSource;
  kept: boolean;
  reason: string;
}

export interface HopView {
  from: string;
  to: string | null;
  kind: string;
  text: string;
}

export interface DecisionRowView {
  id: string;
  /** Wall-clock ms. */
  time: number;
  task: TaskKind;
  language: string | null;
  workspace: string | null;
  /** Who answered, else the router's choice (what the model filter matches). */
  model: string | null;
  tier: Tier | null;
  /** The router's first choice; differs from `model` after a fallback hop. */
  chosen: string | null;
  chosenTier: Tier | null;
  /** Served from this machine or network: $0, but its time is shown. */
  local: boolean;
  candidates: CandidateView[];
  dropped: number;
  hops: HopView[];
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  costUsd: number | null;
  estimatedCostUsd: number | null;
  ttftMs: number | null;
  totalMs: number | null;
  outcome: Outcome;
  explanation: string;
  error: string | null;
  servedModel: string | null;
  modelVersion: string | null;
  difficulty: { score: number; escalated: boolean; reasons: string[] } | null;
}

// ── Cost ──

export type CostSplit = 'tier' | 'model';
export const COST_SPLITS: readonly CostSplit[] = ['tier', 'model'];

export interface CostSeries {
  /** Tier name, model id, or `other` for the models folded together (then `folded` > 0). */
  key: string;
  /** How many models this series folds together; 0 for a plain tier or model series. */
  folded: number;
  /** The tier, when splitting by tier or when every model in the series has the same tier. */
  tier: Tier | null;
  perDayUsd: number[];
  totalUsd: number;
  requests: number;
}

export interface BudgetBar {
  period: 'day' | 'month';
  capUsd: number;
  spentUsd: number;
  /** spent / cap; may exceed 1. */
  fraction: number;
  /** Whose spend counts against this cap. */
  scope: 'all' | 'workspace';
}

export interface Counterfactual {
  referenceModel: string;
  /** What the requests in the window cost (only those with a known price and usage). */
  actualUsd: number;
  /** The same usage priced at the reference model. */
  frontierUsd: number;
  /** frontierUsd − actualUsd (negative if routing cost more). */
  savedUsd: number;
  requests: number;
}

export interface CostTotals {
  todayUsd: number;
  monthUsd: number;
  allTimeUsd: number;
  workspaceTodayUsd: number;
  workspaceMonthUsd: number;
  workspaceAllTimeUsd: number;
  requestsToday: number;
  /** Requests in the window whose model has no known price (their cost counts as 0 above). */
  unpricedRequests: number;
  /** Time spent on local models in the window: free, but not instant. */
  localMs: number;
  localRequests: number;
}

export interface CostSummary {
  split: CostSplit;
  today: string;
  month: string;
  workspace: string | null;
  /** `YYYY-MM-DD`, oldest first, one per day of the window with no gaps. */
  days: string[];
  series: CostSeries[];
  /** The largest stacked day total, for the chart's scale. */
  maxDayUsd: number;
  totals: CostTotals;
  budgets: BudgetBar[];
  counterfactual: Counterfactual | null;
}

// ── Export ──

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

// ── Feel: drift ──

export interface VersionStats {
  version: string;
  requests: number;
  errors: number;
  /** Completions shown / accepted (acceptance is only meaningful for completions). */
  completionsShown: number;
  completionsAccepted: number;
  medianTtftMs: number | null;
  medianTotalMs: number | null;
  /** Mean over requests with a known cost. */
  meanCostUsd: number | null;
  meanOutputTokens: number | null;
}

export interface DriftComparison {
  model: string;
  before: VersionStats;
  after: VersionStats;
  /** When the new version was first seen. */
  changedAt: number;
}
