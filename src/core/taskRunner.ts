// One routed request from start to ledger line: budget → route → run through the fallback chain →
// record. Chat, edit, refactor, completion and A/B comparisons all go through here.
import type { Ports } from './ports';
import type { SettingsSnapshot } from './settings/schema';
import { modelEndpoint } from './endpoints';
import type { ModelRef, TaskKind } from './types';
import type { ModelProvider } from './providers/provider';
import type { createProvider } from './providers/createProvider';
import type { Decision, RouteRequest } from './router/route';
import { routeRequest } from './router/route';
import type { Hop, RoutedCall, RunResult } from './router/execute';
import { RoutedRunError, runRouted } from './router/execute';
import type { ModelHealth } from './router/health';
import type { DecisionRecord } from './router/decision';
import { buildDecisionRecord } from './router/decision';
import type { Ledger } from './cost/ledger';
import type { BudgetGuard, BudgetSignal } from './cost/budgets';
import { NO_SPEND } from './cost/budgets';
import type { Spend } from './cost/budgets';
import { dayKeyOf, monthKeyOf } from './cost/calendar';

const SPEND_TTL_MS = 10_000;

export interface TaskRequest {
  task: TaskKind;
  call: RoutedCall;
  /** Estimated prompt tokens. */
  promptTokens: number;
  question?: string;
  fileCount?: number;
  workspace: string | null;
  language?: string;
  /** Use exactly this model (still subject to privacy and health). */
  pinnedModelId?: string;
  /** Forces local-only on top of the setting (A/B under local-only, say). */
  localOnly?: boolean;
  expectedOutputTokens?: number;
}

export type TaskEvent =
  | { type: 'decision'; decision: Decision }
  | { type: 'text'; text: string }
  | { type: 'hop'; hop: Hop }
  | { type: 'done'; result: RunResult; record: DecisionRecord; budgetSignals: BudgetSignal[] }
  | { type: 'failed'; error: Error; record: DecisionRecord; needsKeyFor?: ModelRef['provider']; budgetSignals: BudgetSignal[] };

/** Injected so the host can load the SDKs lazily, on the first request rather than at activation. */
export type ProviderFactory = typeof createProvider;

export interface TaskRunnerDeps {
  ports: Ports;
  createProvider: ProviderFactory;
  health: ModelHealth;
  /** Opened in the background at activation; undefined when it could not be opened. */
  ledger: Promise<Ledger | undefined>;
  budget: BudgetGuard;
  /** Called with every record appended to the ledger (status bar, router panel). */
  onRecord?(record: DecisionRecord): void;
}

/** Providers are cheap but not free to build: keep one per model definition and endpoint. */
export class ProviderCache {
  private readonly cache = new Map<string, ModelProvider>();
  constructor(
    private readonly ports: Ports,
    private readonly create: ProviderFactory,
  ) {}

  get(model: ModelRef, settings: SettingsSnapshot): ModelProvider {
    const endpoint = modelEndpoint(model, settings.endpoints) ?? '';
    const key = `${model.provider}\u0000${endpoint}\u0000${settings.completion.keepAlive}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = this.create({ ...model, baseUrl: endpoint || model.baseUrl }, this.ports, {
        ollamaKeepAlive: settings.completion.keepAlive,
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}

export class TaskRunner {
  private readonly providers: ProviderCache;
  private readonly spendCache = new Map<string, { spend: Spend; readAt: number; day: string; month: string }>();

  constructor(private readonly deps: TaskRunnerDeps) {
    this.providers = new ProviderCache(deps.ports, deps.createProvider);
  }

  /** Routes without running: what the panel shows as "would go to". */
  async decide(request: TaskRequest, settings: SettingsSnapshot, options: { preview?: boolean } = {}): Promise<Decision> {
    const { deps } = this;
    const now = deps.ports.clock.now();
    const spend = await this.spendFor(request.workspace, now);
    const budget = deps.budget.constraints(settings.budget, spend);
    const routeSettings = request.pinnedModelId ? pinned(settings, request.task, request.pinnedModelId) : settings;
    const routeReq: RouteRequest = {
      task: request.task,
      promptTokens: request.promptTokens,
      ...(request.expectedOutputTokens !== undefined && { expectedOutputTokens: request.expectedOutputTokens }),
      ...(request.fileCount !== undefined && { fileCount: request.fileCount }),
      ...(request.question !== undefined && { question: request.question }),
      ...(request.workspace !== null && { workspace: request.workspace }),
      ...(request.localOnly && { localOnly: true }),
    };
    const decision = routeRequest(routeReq, routeSettings, { now, health: deps.health, budget });
    // A preview must not spend the user's one-time budget override.
    if (!options.preview) deps.budget.noteDecision(decision);
    return decision;
  }

  /** Runs one request; yields the decision first, then text and hops, then exactly one done/failed. */
  async *run(request: TaskRequest, settings: SettingsSnapshot, signal: AbortSignal, decided?: Decision): AsyncGenerator<TaskEvent> {
    const { deps } = this;
    const decision = decided ?? (await this.decide(request, settings));
    yield { type: 'decision', decision };
    let result: RunResult | undefined;
    let error: Error | undefined;
    try {
      for await (const chunk of runRouted(decision, (m) => this.providers.get(m, settings), request.call, signal, {
        health: deps.health,
        clock: deps.ports.clock,
      })) {
        if (chunk.type === 'text') yield { type: 'text', text: chunk.text };
        else if (chunk.type === 'hop') yield { type: 'hop', hop: chunk.hop };
        else result = chunk.result;
      }
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    const record = buildDecisionRecord({
      decision,
      settings,
      ...(result ? { run: result } : error ? { run: error } : {}),
      ...(request.language !== undefined && { language: request.language }),
    });
    if (!result && !error) record.outcome = 'aborted';
    await this.append(record);
    const budgetSignals = await this.budgetSignals(settings, request.workspace);
    if (result) {
      yield { type: 'done', result, record, budgetSignals };
    } else {
      const failure = error ?? new Error('The request ended without an answer.');
      const needsKeyFor = authProvider(failure, decision);
      yield { type: 'failed', error: failure, record, budgetSignals, ...(needsKeyFor && { needsKeyFor }) };
    }
  }

  /**
   * Today's and this month's spend, kept in memory and updated on each append so routing does not
   * touch the disk on every request; re-read from the ledger every SPEND_TTL_MS for other windows' spend.
   */
  private async spendFor(workspace: string | null, now: number): Promise<Spend> {
    const key = workspace ?? '';
    const cached = this.spendCache.get(key);
    if (cached && now - cached.readAt < SPEND_TTL_MS && cached.day === dayKeyOf(now)) return cached.spend;
    const ledger = await this.deps.ledger;
    const spend = ledger ? await ledger.spend(now, workspace ?? undefined).catch(() => NO_SPEND) : NO_SPEND;
    this.spendCache.set(key, { spend: { ...spend }, readAt: now, day: dayKeyOf(now), month: monthKeyOf(now) });
    return spend;
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

  async append(record: DecisionRecord): Promise<void> {
    this.noteSpend(record);
    try {
      await (await this.deps.ledger)?.append(record);
    } catch (e) {
      this.deps.ports.logger.warn(`ledger: could not record decision ${record.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.deps.onRecord?.(record);
  }

  private async budgetSignals(settings: SettingsSnapshot, workspace: string | null): Promise<BudgetSignal[]> {
    if (!(await this.deps.ledger)) return [];
    const now = this.deps.ports.clock.now();
    const spend = await this.spendFor(workspace, now);
    return this.deps.budget.signals(settings.budget, spend, now);
  }
}

/** Settings where the task's route is just the pinned model (escalation off): privacy and health still apply. */
function pinned(settings: SettingsSnapshot, task: TaskKind, modelId: string): SettingsSnapshot {
  return {
    ...settings,
    routes: { ...settings.routes, [task]: [modelId] },
    chat: { escalation: { ...settings.chat.escalation, mode: 'never' } },
  };
}

/** When a run failed because a key was missing or refused, which provider needs one. */
function authProvider(error: Error, decision: Decision): ModelRef['provider'] | undefined {
  const hops = error instanceof RoutedRunError ? error.hops : [];
  const authHop = hops.find((h) => h.kind === 'auth');
  if (!authHop) return undefined;
  const model = [decision.chosen, ...decision.fallbacks].find((m) => m?.id === authHop.from);
  return model?.provider === 'ollama' ? undefined : model?.provider;
}
