// Budget state → routing constraints, the 80% warning (once per period), and the one-time override.
import type { SettingsSnapshot } from '../settings/schema';
import { dayKeyOf, monthKeyOf } from './calendar';
import { formatUsd } from '../format';

/** Spend so far, from the ledger: everything, and this workspace's share. */
export interface Spend {
  allDayUsd: number;
  allMonthUsd: number;
  workspaceDayUsd: number;
  workspaceMonthUsd: number;
}

export const NO_SPEND: Spend = Object.freeze({ allDayUsd: 0, allMonthUsd: 0, workspaceDayUsd: 0, workspaceMonthUsd: 0 });

export type BudgetPeriod = 'day' | 'month';

export interface BudgetConstraints {
  /** Cap on one request's estimated cost; null = none. */
  perRequestUsd: number | null;
  /** The most a request may cost before a day or month cap is crossed (0 once one is reached); null = no cap. */
  remainingUsd: number | null;
  /** The cap `remainingUsd` comes from, for the one-line reasons. */
  limitedBy: { period: BudgetPeriod; capUsd: number; spentUsd: number } | null;
  /** The user allowed one request past the caps. */
  override: boolean;
}

export const UNLIMITED: BudgetConstraints = Object.freeze({ perRequestUsd: null, remainingUsd: null, limitedBy: null, override: false });

type Budget = SettingsSnapshot['budget'];

function spentFor(budget: Budget, spend: Spend, period: BudgetPeriod): number {
  if (period === 'day') return budget.spendScope.day === 'workspace' ? spend.workspaceDayUsd : spend.allDayUsd;
  return budget.spendScope.month === 'workspace' ? spend.workspaceMonthUsd : spend.allMonthUsd;
}

/** Pure: what the router must respect for the next request. */
export function budgetConstraints(budget: Budget, spend: Spend, override = false): BudgetConstraints {
  let remainingUsd: number | null = null;
  let limitedBy: BudgetConstraints['limitedBy'] = null;
  for (const period of ['day', 'month'] as const) {
    const capUsd = period === 'day' ? budget.perDayUsd : budget.perMonthUsd;
    if (!(capUsd > 0)) continue;
    const spentUsd = spentFor(budget, spend, period);
    const left = Math.max(0, capUsd - spentUsd);
    if (remainingUsd === null || left < remainingUsd) {
      remainingUsd = left;
      limitedBy = { period, capUsd, spentUsd };
    }
  }
  return { perRequestUsd: budget.perRequestUsd > 0 ? budget.perRequestUsd : null, remainingUsd, limitedBy, override };
}

export interface BudgetSignal {
  kind: 'nearLimit' | 'reached';
  period: BudgetPeriod;
  spentUsd: number;
  capUsd: number;
  message: string;
}

const NEAR_LIMIT = 0.8;

/**
 * Holds what must outlive one request: which warnings were already shown this period and whether
 * the user granted a one-time override. Pure otherwise: the caller passes spend and time.
 */
export class BudgetGuard {
  private readonly signalled = new Set<string>();
  private armed = false;

  /** The user chose "allow once": the next request may go past the caps. */
  grantOverride(): void {
    this.armed = true;
  }

  get overrideArmed(): boolean {
    return this.armed;
  }

  constraints(budget: Budget, spend: Spend): BudgetConstraints {
    return budgetConstraints(budget, spend, this.armed);
  }

  /** Call after routing: an override that let a request through is spent. */
  noteDecision(decision: { budgetOverrideUsed: boolean }): void {
    if (decision.budgetOverrideUsed) this.armed = false;
  }

  /**
   * Signals to show now: 80% of a cap once per period, and reaching it once per period. Call after
   * each recorded cost (or on a timer); repeated calls in the same period return nothing new.
   */
  signals(budget: Budget, spend: Spend, nowMs: number): BudgetSignal[] {
    const out: BudgetSignal[] = [];
    for (const period of ['day', 'month'] as const) {
      const capUsd = period === 'day' ? budget.perDayUsd : budget.perMonthUsd;
      if (!(capUsd > 0)) continue;
      const spentUsd = spentFor(budget, spend, period);
      const scope = period === 'day' ? budget.spendScope.day : budget.spendScope.month;
      const key = `${period}:${scope}:${capUsd}:${period === 'day' ? dayKeyOf(nowMs) : monthKeyOf(nowMs)}`;
      const setting = period === 'day' ? 'switchboard.budget.perDayUsd' : 'switchboard.budget.perMonthUsd';
      const what = `${period === 'day' ? "Today's" : "This month's"} spend${scope === 'workspace' ? ' in this workspace' : ''}`;
      if (spentUsd >= capUsd) {
        if (!this.signalled.has(`${key}:reached`)) {
          this.signalled.add(`${key}:reached`).add(`${key}:near`);
          out.push({
            kind: 'reached',
            period,
            spentUsd,
            capUsd,
            message: `${what} (${formatUsd(spentUsd)}) reached ${setting} (${formatUsd(capUsd)}): cloud requests now move down to a cheaper tier or stop. Allow one request past it, or raise the setting.`,
          });
        }
      } else if (spentUsd >= NEAR_LIMIT * capUsd && !this.signalled.has(`${key}:near`)) {
        this.signalled.add(`${key}:near`);
        out.push({
          kind: 'nearLimit',
          period,
          spentUsd,
          capUsd,
          message: `${what} is ${formatUsd(spentUsd)}, ${Math.floor((spentUsd / capUsd) * 100)}% of ${setting} (${formatUsd(capUsd)}).`,
        });
      }
    }
    return out;
  }
}
