// Spend by day × (tier | model), totals, budget fractions, and what the same usage would have cost at a
// frontier model's price — aggregated incrementally so a live decision costs O(1), a summary O(cells).
import type { DecisionRecord } from '../../core/router/decision';
import type { SettingsSnapshot } from '../../core/settings/schema';
import { isLocalModel } from '../../core/endpoints';
import type { PriceTable, ResolvedPrice } from '../../core/cost/price';
import { BUNDLED_PRICES, costOfUsage, priceOf } from '../../core/cost/price';
import { dayKeyOf, monthKeyOf } from '../../core/cost/calendar';
import type { Tier } from '../../core/types';
import { TIERS } from '../../core/types';
import type { BudgetBar, CostSeries, CostSplit, CostSummary, CostTotals, Counterfactual } from '../../shared/routerPanelData';
import { modelOfRecord, tierOfRecord } from './decisionIndex';

/** The model whose price answers "what if everything had gone to the frontier tier?". */
export interface FrontierReference {
  model: string;
  price: ResolvedPrice;
}

export interface CostSummaryOptions {
  now: number;
  /** The workspace the panel belongs to (null outside one). */
  workspace: string | null;
  split: CostSplit;
  budget: Pick<SettingsSnapshot['budget'], 'perDayUsd' | 'perMonthUsd' | 'spendScope'>;
  /** Days shown in the chart, ending today. Default 30. */
  windowDays?: number;
  /** Most series when splitting by model; the rest fold into `other`. Default 8. */
  maxSeries?: number;
}

export const DEFAULT_WINDOW_DAYS = 30;
export const DEFAULT_MAX_SERIES = 8;

/**
 * The reference frontier model: the first priced cloud frontier model of the refactor route, then of
 * the chat escalation list, then of the configured models. Null when none has a known price.
 */
export function pickFrontierReference(
  settings: Pick<SettingsSnapshot, 'models' | 'routes' | 'endpoints' | 'chat'>,
  prices: PriceTable = BUNDLED_PRICES,
): FrontierReference | null {
  const byId = new Map(settings.models.map((m) => [m.id, m]));
  const ids = [...settings.routes.refactor, ...settings.chat.escalation.models, ...settings.models.map((m) => m.id)];
  for (const id of ids) {
    const model = byId.get(id);
    if (model === undefined || model.tier !== 'frontier') continue;
    // Priced the way the ledger prices it: a local model (Ollama, or declared local) is free unless it has its
    // own price; a cloud model behind a local proxy costs its list price.
    const price = priceOf(model, isLocalModel(model, settings.endpoints), prices);
    if (price === null || (price.input === 0 && price.output === 0)) continue;
    return { model: model.id, price };
  }
  return null;
}

interface Cell {
  day: string;
  workspace: string | null;
  model: string;
  tier: Tier | null;
  usd: number;
  requests: number;
  unpriced: number;
  comparableActualUsd: number;
  frontierUsd: number;
  comparableRequests: number;
  localMs: number;
  localRequests: number;
}

/** Adds each decision once (outcome changes do not change cost); summarise as often as needed. */
export class SpendAccumulator {
  private readonly cells = new Map<string, Cell>();

  constructor(readonly frontier: FrontierReference | null) {}

  static fromRecords(records: Iterable<DecisionRecord>, frontier: FrontierReference | null): SpendAccumulator {
    const acc = new SpendAccumulator(frontier);
    for (const r of records) acc.add(r);
    return acc;
  }

  add(record: DecisionRecord): void {
    const model = modelOfRecord(record);
    if (model === null) return;
    const workspace = record.workspace ?? null;
    const key = `${record.day}\n${workspace === null ? '\u0000' : `w${workspace}`}\n${model}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = {
        day: record.day,
        workspace,
        model,
        tier: tierOfRecord(record),
        usd: 0,
        requests: 0,
        unpriced: 0,
        comparableActualUsd: 0,
        frontierUsd: 0,
        comparableRequests: 0,
        localMs: 0,
        localRequests: 0,
      };
      this.cells.set(key, cell);
    }
    cell.requests++;
    if (record.costUsd === null) cell.unpriced++;
    else cell.usd += record.costUsd;
    if (this.frontier !== null && record.usage !== null && record.costUsd !== null) {
      cell.comparableActualUsd += record.costUsd;
      cell.frontierUsd += costOfUsage(record.usage, this.frontier.price);
      cell.comparableRequests++;
    }
    // "Local models answered N requests for $0": a priced model behind a local endpoint is not one of them.
    const local = ((record.answeredBy ?? record.chosen)?.local ?? false) && (record.costUsd ?? 0) <= 0;
    if (local && record.totalMs !== null) {
      cell.localMs += record.totalMs;
      cell.localRequests++;
    }
  }

  summarise(options: CostSummaryOptions): CostSummary {
    const windowDays = Math.max(1, Math.floor(options.windowDays ?? DEFAULT_WINDOW_DAYS));
    const maxSeries = Math.max(2, Math.floor(options.maxSeries ?? DEFAULT_MAX_SERIES));
    const today = dayKeyOf(options.now);
    const month = monthKeyOf(options.now);
    const days = dayKeysEndingAt(options.now, windowDays);
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const ws = options.workspace;
    const totals: CostTotals = {
      todayUsd: 0,
      monthUsd: 0,
      allTimeUsd: 0,
      workspaceTodayUsd: 0,
      workspaceMonthUsd: 0,
      workspaceAllTimeUsd: 0,
      requestsToday: 0,
      unpricedRequests: 0,
      localMs: 0,
      localRequests: 0,
    };
    const bySeries = new Map<string, CostSeries>();
    let actual = 0;
    let frontier = 0;
    let comparable = 0;
    for (const c of this.cells.values()) {
      const inWorkspace = c.workspace === ws;
      const isToday = c.day === today;
      const isMonth = c.day.startsWith(month);
      totals.allTimeUsd += c.usd;
      if (isToday) {
        totals.todayUsd += c.usd;
        totals.requestsToday += c.requests;
      }
      if (isMonth) totals.monthUsd += c.usd;
      if (inWorkspace) {
        totals.workspaceAllTimeUsd += c.usd;
        if (isToday) totals.workspaceTodayUsd += c.usd;
        if (isMonth) totals.workspaceMonthUsd += c.usd;
      }
      const at = dayIndex.get(c.day);
      if (at === undefined) continue;
      totals.unpricedRequests += c.unpriced;
      totals.localMs += c.localMs;
      totals.localRequests += c.localRequests;
      actual += c.comparableActualUsd;
      frontier += c.frontierUsd;
      comparable += c.comparableRequests;
      const key = options.split === 'tier' ? (c.tier ?? 'unknown') : c.model;
      let s = bySeries.get(key);
      if (s === undefined) {
        s = { key, folded: 0, tier: c.tier, perDayUsd: new Array<number>(days.length).fill(0), totalUsd: 0, requests: 0 };
        bySeries.set(key, s);
      } else if (s.tier !== c.tier) {
        s.tier = null;
      }
      s.perDayUsd[at] += c.usd;
      s.totalUsd += c.usd;
      s.requests += c.requests;
    }
    const series =
      options.split === 'tier' ? orderTiers([...bySeries.values()]) : foldModels([...bySeries.values()], maxSeries, days.length);
    let maxDayUsd = 0;
    for (let d = 0; d < days.length; d++) {
      let sum = 0;
      for (const s of series) sum += s.perDayUsd[d];
      if (sum > maxDayUsd) maxDayUsd = sum;
    }
    const budgets: BudgetBar[] = [];
    const { perDayUsd, perMonthUsd, spendScope } = options.budget;
    if (perDayUsd > 0) {
      const spent = spendScope.day === 'workspace' ? totals.workspaceTodayUsd : totals.todayUsd;
      budgets.push({ period: 'day', capUsd: perDayUsd, spentUsd: spent, fraction: spent / perDayUsd, scope: spendScope.day });
    }
    if (perMonthUsd > 0) {
      const spent = spendScope.month === 'workspace' ? totals.workspaceMonthUsd : totals.monthUsd;
      budgets.push({ period: 'month', capUsd: perMonthUsd, spentUsd: spent, fraction: spent / perMonthUsd, scope: spendScope.month });
    }
    const counterfactual: Counterfactual | null =
      this.frontier === null
        ? null
        : {
            referenceModel: this.frontier.model,
            actualUsd: actual,
            frontierUsd: frontier,
            savedUsd: frontier - actual,
            requests: comparable,
          };
    return { split: options.split, today, month, workspace: ws, days, series, maxDayUsd, totals, budgets, counterfactual };
  }
}

/** `count` consecutive local day keys ending with the day of `now`, oldest first. */
export function dayKeysEndingAt(now: number, count: number): string[] {
  const d = new Date(now);
  const keys: string[] = [];
  for (let k = count - 1; k >= 0; k--) {
    // Noon avoids daylight-saving edges shifting the date.
    keys.push(dayKeyOf(new Date(d.getFullYear(), d.getMonth(), d.getDate() - k, 12).getTime()));
  }
  return keys;
}

function orderTiers(series: CostSeries[]): CostSeries[] {
  const rank = (key: string) => {
    const i = TIERS.indexOf(key as Tier);
    return i < 0 ? TIERS.length : i;
  };
  return series.sort((x, y) => rank(x.key) - rank(y.key) || x.key.localeCompare(y.key));
}

function foldModels(series: CostSeries[], maxSeries: number, dayCount: number): CostSeries[] {
  series.sort((x, y) => y.totalUsd - x.totalUsd || y.requests - x.requests || x.key.localeCompare(y.key));
  if (series.length <= maxSeries) return series;
  const kept = series.slice(0, maxSeries - 1);
  const rest = series.slice(maxSeries - 1);
  const other: CostSeries = {
    key: 'other',
    folded: rest.length,
    tier: null,
    perDayUsd: new Array<number>(dayCount).fill(0),
    totalUsd: 0,
    requests: 0,
  };
  for (const s of rest) {
    for (let d = 0; d < dayCount; d++) other.perDayUsd[d] += s.perDayUsd[d];
    other.totalUsd += s.totalUsd;
    other.requests += s.requests;
  }
  return [...kept, other];
}
