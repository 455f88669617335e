// One routed request from start to decision: budget → route → run through the fallback chain →
// record in the decision log. Chat, edit, refactor and A/B comparisons go through here; completions
// route here (decide) and run in the completion engine, which writes to the same decision log.
import type { Ports } from './ports';
import type { SettingsSnapshot } from './settings/schema';
import type { ModelRef, TaskKind } from './types';
import type { ProviderCache } from './providers/providerCache';
import type { Decision, RouteRequest } from './router/route';
import { routeRequest } from './router/route';
import type { Hop, RoutedCall, RunResult } from './router/execute';
import { RoutedRunError, runRouted } from './router/execute';
import type { ModelHealth } from './router/health';
import type { DecisionRecord } from './router/decision';
import { buildDecisionRecord } from './router/decision';
import type { BudgetGuard, BudgetSignal } from './cost/budgets';
import type { DecisionLog } from './decisionLog';

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
  /**
   * 'buffered' when nothing is shown until the answer is complete (an edit, a refactor): a model that
   * fails mid-stream then hands over to the next one, and its text arrives as `held` until then.
   * 'live' (the default) for text shown as it streams (chat), which never restarts once shown.
   */
  output?: 'live' | 'buffered';
}

export type TaskEvent =
  | { type: 'decision'; decision: Decision }
  | { type: 'text'; text: string }
  /** Buffered output only: the current model's text so far, not yet the answer (for progress). */
  | { type: 'held'; text: string }
  | { type: 'hop'; hop: Hop }
  | { type: 'done'; result: RunResult; record: DecisionRecord; budgetSignals: BudgetSignal[] }
  | {
      type: 'failed';
      error: Error;
      record: DecisionRecord;
      /** A key is missing or was rejected: Set API Key fixes it. */
      needsKeyFor?: ModelRef['provider'];
      /** A key was not sent where this folder's settings route the provider: Manage Key Destinations fixes it. */
      keyWithheldFor?: ModelRef['provider'];
      budgetSignals: BudgetSignal[];
    };

export interface TaskRunnerDeps {
  ports: Ports;
  /** The same cache the completion engine takes its provider from. */
  providers: ProviderCache;
  health: ModelHealth;
  budget: BudgetGuard;
  /** Where every run's record goes (and where today's spend is read from). */
  log: DecisionLog;
}

export class TaskRunner {
  constructor(private readonly deps: TaskRunnerDeps) {}

  /** Routes without running: what the panel shows as "would go to". */
  async decide(request: TaskRequest, settings: SettingsSnapshot, options: { preview?: boolean } = {}): Promise<Decision> {
    const { deps } = this;
    const now = deps.ports.clock.now();
    const spend = await deps.log.spendFor(request.workspace, now);
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
      for await (const chunk of runRouted(decision, (m) => deps.providers.get(m, settings, request.task), request.call, signal, {
        health: deps.health,
        clock: deps.ports.clock,
        output: request.output ?? 'live',
      })) {
        if (chunk.type === 'text') yield { type: 'text', text: chunk.text };
        else if (chunk.type === 'held') yield { type: 'held', text: chunk.text };
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
    await deps.log.append(record);
    const budgetSignals = await deps.log.budgetSignals(settings, request.workspace);
    if (result) {
      yield { type: 'done', result, record, budgetSignals };
    } else {
      const failure = error ?? new Error('The request ended without an answer.');
      const needsKeyFor = authProvider(failure, decision, false);
      const keyWithheldFor = authProvider(failure, decision, true);
      yield {
        type: 'failed',
        error: failure,
        record,
        budgetSignals,
        ...(needsKeyFor && { needsKeyFor }),
        ...(keyWithheldFor && { keyWithheldFor }),
      };
    }
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

/** When a run failed because a key was missing or refused (or, with `withheld`, not sent to the endpoint), which provider's. */
function authProvider(error: Error, decision: Decision, withheld: boolean): ModelRef['provider'] | undefined {
  const hops = error instanceof RoutedRunError ? error.hops : [];
  const authHop = hops.find((h) => h.kind === 'auth' && (h.keyWithheld === true) === withheld);
  if (!authHop) return undefined;
  const model = [decision.chosen, ...decision.fallbacks].find((m) => m?.id === authHop.from);
  return model?.provider === 'ollama' ? undefined : model?.provider;
}
