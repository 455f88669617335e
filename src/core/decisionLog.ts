// The one writer of the decision ledger: appends decisions and outcomes, keeps today's spend, tells listeners.
import type { Ports } from './ports';
import type { SettingsSnapshot } from './settings/schema';
import type { Outcome } from './types';
import type { DecisionRecord } from './router/decision';
import type { Ledger } from './cost/ledger';
import type { BudgetGuard, BudgetSignal, Spend } from './cost/budgets';
import { NO_SPEND } from './cost/budgets';
import { dayKeyOf, monthKeyOf } from './cost/calendar';

const SPEND_TTL_MS = 10_000;

export interface DecisionLogDeps {
  ports: Pick<Ports, 'clock' | 'logger'>;
  /** Opened in the background at activation; undefined when it could not be opened. */
  ledger: Promise<Ledger | undefined>;
  budget: BudgetGuard;
}

export type RecordListener = (record: DecisionRecord) => void;

export class DecisionLog {
  private readonly spendCache = new Map<string, { spend: Spend; readAt: number; day: string; month: string }>();
  private readonly listeners = new Set<RecordListener>();

  constructor(private readonly deps: DecisionLogDeps) {}

  /**
   * Called with every decision appended (and, for an outcome, with the updated record): the status
   * bar, the router panel, acceptance tracking. A listener that throws does not stop the others.
   */
  onDidRecord(listener: RecordListener): { dispose(): void } {
    // A wrapper, so the same function registered twice is two registrations.
    const entry: RecordListener = (r) => listener(r);
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  }

  /** Writes one decision; a ledger failure is logged, never thrown, and listeners hear of it either way. */
  async append(record: DecisionRecord): Promise<void> {
    this.noteSpend(record);
    try {
      await (await this.deps.ledger)?.append(record);
    } catch (e) {
      this.deps.ports.logger.warn(`ledger: could not record decision ${record.id}: ${errorText(e)}`);
    }
    this.tell(record);
  }

  /** Records a later outcome (an edit accepted or rejected, a completion accepted) and tells listeners the updated record. */
  async recordOutcome(record: DecisionRecord, outcome: Outcome): Promise<void> {
    try {
      await (await this.deps.ledger)?.updateOutcome(record, outcome, this.deps.ports.clock.now());
    } catch (e) {
      this.deps.ports.logger.warn(`ledger: could not record outcome ${outcome} for decision ${record.id}: ${errorText(e)}`);
    }
    this.tell({ ...record, outcome });
  }

  /**
   * Today's and this month's spend, kept in memory and updated on each append so routing does not
   * touch the disk on every request; re-read from the ledger every SPEND_TTL_MS for other windows' spend.
   */
  async spendFor(workspace: string | null, now: number): Promise<Spend> {
    const key = workspace ?? '';
    const cached = this.spendCache.get(key);
    if (cached && now - cached.readAt < SPEND_TTL_MS && cached.day === dayKeyOf(now)) return cached.spend;
    const ledger = await this.deps.ledger;
    const spend = ledger ? await ledger.spend(now, workspace ?? undefined).catch(() => NO_SPEND) : NO_SPEND;
    this.spendCache.set(key, { spend: { ...spend }, readAt: now, day: dayKeyOf(now), month: monthKeyOf(now) });
    return spend;
  }

  /** Today's spend in every workspace, read from the ledger (for the status bar); undefined when there is no ledger or it cannot be read. */
  async todaySpendUsd(): Promise<number | undefined> {
    const ledger = await this.deps.ledger;
    if (!ledger) return undefined;
    const spend = await ledger.spend(this.deps.ports.clock.now()).catch(() => undefined);
    return spend?.allDayUsd;
  }

  /** The budget warnings (80%) and limits (100%) to show now, once per period; none without a ledger. */
  async budgetSignals(settings: SettingsSnapshot, workspace: string | null): Promise<BudgetSignal[]> {
    if (!(await this.deps.ledger)) return [];
    const now = this.deps.ports.clock.now();
    const spend = await this.spendFor(workspace, now);
    return this.deps.budget.signals(settings.budget, spend, now);
  }

  private noteSpend(record: DecisionRecord): void {
    const cost = record.costUsd ?? 0;
    if (cost <= 0) return;
    for (const [key, entry] of this.spendCache) {
      if (entry.day === record.day) entry.spend.allDayUsd += cost;
      if (entry.month === monthKeyOf(record.time)) entry.spend.allMonthUsd += cost;
      if (key === (record.workspace ?? '')) {
        if (entry.day === record.day) entry.spend.workspaceDayUsd += cost;
        if (entry.month === monthKeyOf(record.time)) entry.spend.workspaceMonthUsd += cost;
      }
    }
  }

  private tell(record: DecisionRecord): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(record);
      } catch (e) {
        this.deps.ports.logger.error(`decision log: a listener failed on ${record.id}: ${errorText(e)}`);
      }
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
