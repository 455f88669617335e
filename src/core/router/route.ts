// The routing decision: candidates for the task, chat escalation, constraints with one-line reasons,
// the choice and its fallback chain. Pure and in-process: no I/O, microseconds per call. Each candidate's
// constraints are checked in constraints.ts.
import type { ModelRef, TaskKind, Tier } from '../types';
import type { SettingsSnapshot } from '../settings/schema';
import { isLocalModel, modelEndpoint } from '../endpoints';
import type { BudgetConstraints } from '../cost/budgets';
import { UNLIMITED } from '../cost/budgets';
import type { PriceTable, ResolvedPrice } from '../cost/price';
import { BUNDLED_PRICES, priceOf } from '../cost/price';
import { judgeCandidate } from './constraints';
import type { JudgeContext } from './constraints';
import type { DifficultyEstimate } from './difficulty';
import { estimateDifficulty } from './difficulty';
import type { HealthView } from './health';
import { HEALTHY } from './health';

export interface RouteRequest {
  task: TaskKind;
  /** Estimated prompt tokens (the caller's estimate; ~4 characters per token is fine). */
  promptTokens: number;
  /** Output tokens to budget for; defaults per task. */
  expectedOutputTokens?: number;
  /** Files involved in the request. */
  fileCount?: number;
  /** The user's question (chat), for the difficulty estimate. */
  question?: string;
  workspace?: string;
  /** Forces local-only for this request, on top of the setting (e.g. an A/B sample in a private folder). */
  localOnly?: boolean;
  /** Overrides `switchboard.latencyBudgetMs[task]`. */
  latencyBudgetMs?: number;
  /** A per-request cap tighter than the setting. */
  maxCostUsd?: number;
}

export interface RouterState {
  /** Wall-clock ms for the decision's time stamp. */
  now?: number;
  health?: HealthView;
  budget?: BudgetConstraints;
  prices?: PriceTable;
  newId?: () => string;
}

export type CandidateSource = 'route' | 'escalation' | 'degrade';

export type ConstraintKind =
  'privacy' | 'completionCloud' | 'contextWindow' | 'health' | 'unknownPrice' | 'perRequestCost' | 'budget' | 'latency';

export interface CandidateVerdict {
  model: ModelRef;
  source: CandidateSource;
  kept: boolean;
  /** One line: why it was kept or dropped. */
  reason: string;
  /** The constraint that dropped it. */
  constraint?: ConstraintKind;
  /** null when the price is unknown. */
  estimatedCostUsd: number | null;
}

export interface Decision {
  id: string;
  at: number;
  task: TaskKind;
  workspace?: string;
  promptTokens: number;
  expectedOutputTokens: number;
  localOnly: boolean;
  /** Chat only. */
  difficulty?: DifficultyEstimate & { escalated: boolean };
  candidates: CandidateVerdict[];
  chosen: ModelRef | null;
  /** Kept candidates after the chosen one, tried in order on a retriable failure. */
  fallbacks: ModelRef[];
  /** One line for the UI: `edit → claude-haiku-4-5 (gpt-6-luna: cooling down after overloaded, retry in 12 s)`. */
  explanation: string;
  /** When nothing survived: the constraint that ruled out the most candidates (or `emptyRoute`). */
  blockedBy: ConstraintKind | 'emptyRoute' | null;
  estimatedCostUsd: number | null;
  /** A candidate was kept only because the user allowed one request past the budget. */
  budgetOverrideUsed: boolean;
}

/** Output tokens assumed for cost and context checks when the caller gives none. */
export const DEFAULT_OUTPUT_TOKENS: Readonly<Record<TaskKind, number>> = { completion: 256, edit: 2048, refactor: 8192, chat: 2048 };

const TIER_RANK: Record<Tier, number> = { local: 0, mid: 1, frontier: 2 };

/** A model of the settings, with what routing needs to know about it worked out once. */
export interface CompiledModel {
  ref: ModelRef;
  /** Free and allowed in local-only mode (`isLocalModel`). */
  local: boolean;
  host: string;
  price: ResolvedPrice | null;
  /** Used only by routes.completion: a FIM base model, not offered for chat or edits. */
  completionOnly: boolean;
  rank: number;
  index: number;
}

interface CompiledSettings {
  prices: PriceTable;
  byId: Map<string, CompiledModel>;
  all: CompiledModel[];
  routes: Record<TaskKind, CompiledModel[]>;
  escalation: CompiledModel[];
}

// Settings snapshots are frozen, so the compiled form is cached by identity.
const compiledCache = new WeakMap<SettingsSnapshot, CompiledSettings>();

function compile(settings: SettingsSnapshot, prices: PriceTable): CompiledSettings {
  const cached = compiledCache.get(settings);
  if (cached !== undefined && cached.prices === prices) return cached;
  const usedBeyondCompletion = new Set<string>();
  for (const task of ['edit', 'refactor', 'chat'] as const) for (const id of settings.routes[task]) usedBeyondCompletion.add(id);
  for (const id of settings.chat.escalation.models) usedBeyondCompletion.add(id);
  const completionIds = new Set(settings.routes.completion);
  const byId = new Map<string, CompiledModel>();
  const all = settings.models.map((ref, index): CompiledModel => {
    const url = modelEndpoint(ref, settings.endpoints);
    // By provider (Ollama on a local address) or the user's "local", never by a loopback address alone.
    const local = isLocalModel(ref, settings.endpoints);
    let host = 'an unknown endpoint';
    try {
      if (url !== undefined) host = new URL(url).host;
    } catch {
      // keep the placeholder
    }
    const cm: CompiledModel = {
      ref,
      local,
      host,
      price: priceOf(ref, local, prices),
      completionOnly: completionIds.has(ref.id) && !usedBeyondCompletion.has(ref.id),
      rank: TIER_RANK[ref.tier],
      index,
    };
    byId.set(ref.id, cm);
    return cm;
  });
  const pick = (ids: readonly string[]): CompiledModel[] =>
    ids.map((id) => byId.get(id)).filter((m): m is CompiledModel => m !== undefined);
  const escalationIds = settings.chat.escalation.models.length > 0 ? settings.chat.escalation.models : settings.routes.refactor;
  const compiled: CompiledSettings = {
    prices,
    byId,
    all,
    routes: {
      completion: pick(settings.routes.completion),
      edit: pick(settings.routes.edit),
      refactor: pick(settings.routes.refactor),
      chat: pick(settings.routes.chat),
    },
    escalation: pick(escalationIds),
  };
  compiledCache.set(settings, compiled);
  return compiled;
}

/**
 * Decides which model answers a request, and what to fall back to.
 *
 * 1. candidates: `routes[task]`; for chat, a hard question (difficulty ≥ threshold) puts the
 *    escalation models first;
 * 2. each candidate is kept or dropped with a one-line reason: local-only privacy, cloud
 *    completion not allowed, context window, cooling down, unknown price under a budget,
 *    per-request cap, remaining day/month budget, observed p50 latency over the budget;
 * 3. lower-tier models join the chain when `fallback.degradeTier` is on, or when privacy or the
 *    budget ruled candidates out (local ones for privacy; cheaper tiers for the budget);
 * 4. latency is a soft limit: if it alone left nothing, the slow candidates come back;
 * 5. the first survivor is chosen, the rest are the fallback chain.
 */
export function routeRequest(request: RouteRequest, settings: SettingsSnapshot, state: RouterState = {}): Decision {
  const compiled = compile(settings, state.prices ?? BUNDLED_PRICES);
  const task = request.task;
  const budget = state.budget ?? UNLIMITED;
  const settingCap = budget.perRequestUsd;
  const requestCap = request.maxCostUsd !== undefined && request.maxCostUsd > 0 ? request.maxCostUsd : null;
  const ctx: JudgeContext = {
    task,
    promptTokens: Math.max(0, request.promptTokens),
    outputTokens: request.expectedOutputTokens ?? DEFAULT_OUTPUT_TOKENS[task],
    localOnly: settings.privacy.localOnly || request.localOnly === true,
    allowCloudCompletion: settings.completion.allowCloudFallback,
    health: state.health ?? HEALTHY,
    budget,
    perRequestCap: settingCap === null ? requestCap : requestCap === null ? settingCap : Math.min(settingCap, requestCap),
    latencyBudgetMs: request.latencyBudgetMs ?? settings.latencyBudgetMs[task],
  };

  // 1–2. Candidates, with chat escalation.
  const listed: { cm: CompiledModel; source: CandidateSource }[] = [];
  const seen = new Set<string>();
  const add = (cm: CompiledModel, source: CandidateSource): void => {
    if (seen.has(cm.ref.id)) return;
    seen.add(cm.ref.id);
    listed.push({ cm, source });
  };
  let difficulty: Decision['difficulty'];
  if (task === 'chat') {
    const estimate = estimateDifficulty({ question: request.question, promptTokens: ctx.promptTokens, fileCount: request.fileCount ?? 0 });
    const esc = settings.chat.escalation;
    const escalated = esc.mode === 'always' || (esc.mode === 'auto' && estimate.score >= esc.threshold);
    difficulty = { ...estimate, escalated };
    if (escalated) for (const cm of compiled.escalation) add(cm, 'escalation');
  }
  for (const cm of compiled.routes[task]) add(cm, 'route');

  // 3. Constraints.
  const verdicts: CandidateVerdict[] = [];
  let privacyPressure = false;
  let budgetPressure = false;
  let lowestRank = Infinity;
  const overrideUsedBy = new Set<string>();
  const judgeAll = (
    items: readonly { cm: CompiledModel; source: CandidateSource }[],
    keptReason: (source: CandidateSource) => string,
  ): void => {
    for (const { cm, source } of items) {
      const j = judgeCandidate(cm, ctx);
      if (j.constraint === 'privacy') privacyPressure = true;
      if (j.constraint === 'budget' || j.constraint === 'perRequestCost' || j.constraint === 'unknownPrice') budgetPressure = true;
      verdicts.push({
        model: cm.ref,
        source,
        kept: j.kept,
        reason: j.kept ? (j.note ? `${keptReason(source)}; ${j.note}` : keptReason(source)) : j.reason,
        constraint: j.constraint,
        estimatedCostUsd: j.cost,
      });
      if (j.usedOverride && j.kept) overrideUsedBy.add(cm.ref.id);
    }
  };
  for (const { cm } of listed) lowestRank = Math.min(lowestRank, cm.rank);
  const routeName = `switchboard.routes.${task}`;
  judgeAll(listed, (source) => (source === 'escalation' ? 'frontier model for a hard question' : `listed in ${routeName}`));

  // Lower tiers: by setting, or because the user's own limits (privacy, budget) ruled the route out.
  if (task !== 'completion' && (settings.fallback.degradeTier || privacyPressure || budgetPressure)) {
    const extras = compiled.all
      .filter((cm) => !seen.has(cm.ref.id) && !cm.completionOnly && (ctx.localOnly ? cm.local : cm.rank < lowestRank))
      .sort((a, b) => b.rank - a.rank || a.index - b.index);
    const why = ctx.localOnly
      ? 'local model (local-only privacy)'
      : budgetPressure && !settings.fallback.degradeTier
        ? 'lower tier, within the budget'
        : 'lower tier (switchboard.fallback.degradeTier)';
    judgeAll(
      extras.map((cm) => ({ cm, source: 'degrade' as const })),
      () => why,
    );
  }

  // 4. Latency is soft: a slow answer beats none.
  if (!verdicts.some((v) => v.kept)) {
    for (const v of verdicts) {
      if (v.constraint === 'latency') {
        v.kept = true;
        v.reason = `${v.reason}, but nothing faster is available`;
      }
    }
  }

  // 5. Choice and chain.
  const kept = verdicts.filter((v) => v.kept);
  const chosenVerdict = kept[0];
  const chosen = chosenVerdict?.model ?? null;
  const budgetOverrideUsed = kept.some((v) => overrideUsedBy.has(v.model.id));
  const decision: Decision = {
    id: state.newId ? state.newId() : newDecisionId(),
    at: state.now ?? Date.now(),
    task,
    workspace: request.workspace,
    promptTokens: ctx.promptTokens,
    expectedOutputTokens: ctx.outputTokens,
    localOnly: ctx.localOnly,
    difficulty,
    candidates: verdicts,
    chosen,
    fallbacks: kept.slice(1).map((v) => v.model),
    explanation: '',
    blockedBy: null,
    estimatedCostUsd: chosenVerdict ? chosenVerdict.estimatedCostUsd : null,
    budgetOverrideUsed,
  };
  if (chosen === null) decision.blockedBy = verdicts.length === 0 ? 'emptyRoute' : mostCommonConstraint(verdicts);
  decision.explanation = explain(decision, routeName);
  return decision;
}

function mostCommonConstraint(verdicts: readonly CandidateVerdict[]): ConstraintKind | null {
  const counts = new Map<ConstraintKind, number>();
  let best: ConstraintKind | null = null;
  let bestCount = 0;
  for (const v of verdicts) {
    if (v.constraint === undefined) continue;
    const n = (counts.get(v.constraint) ?? 0) + 1;
    counts.set(v.constraint, n);
    if (n > bestCount) {
      best = v.constraint;
      bestCount = n;
    }
  }
  return best;
}

function explain(d: Decision, routeName: string): string {
  if (d.candidates.length === 0) return `no model for ${d.task}: ${routeName} is empty — add a model id from switchboard.models`;
  const dropped = d.candidates.filter((v) => !v.kept);
  if (d.chosen === null) {
    const reasons = dropped.map((v) => `${v.model.id}: ${v.reason}`).join('; ');
    return `no model can take this ${d.task}: ${reasons}${fixFor(d)}`;
  }
  const parts: string[] = [];
  if (d.difficulty?.escalated) parts.push(`escalated${d.difficulty.reasons.length > 0 ? `: ${d.difficulty.reasons.join(', ')}` : ''}`);
  // Only drops ahead of the choice explain why it is not the first candidate.
  for (const v of d.candidates) {
    if (v.model.id === d.chosen.id) break;
    if (!v.kept) parts.push(`${v.model.id}: ${v.reason}`);
  }
  return parts.length > 0 ? `${d.task} → ${d.chosen.id} (${parts.join('; ')})` : `${d.task} → ${d.chosen.id}`;
}

function fixFor(d: Decision): string {
  switch (d.blockedBy) {
    case 'privacy':
      return ` — local-only privacy is on: add a local (Ollama) model to switchboard.models and to switchboard.routes.${d.task}`;
    case 'budget':
    case 'perRequestCost':
    case 'unknownPrice':
      return ' — allow one request past the budget, or raise switchboard.budget';
    case 'health':
      return ' — every model is cooling down after failures; try again shortly or turn on switchboard.fallback.degradeTier';
    case 'contextWindow':
      return ' — select less code, or add a model with a larger context window to the route';
    case 'completionCloud':
      return ' — add a local model to switchboard.routes.completion, or turn on switchboard.completion.allowCloudFallback';
    default:
      return '';
  }
}

let idCounter = 0;
function newDecisionId(): string {
  idCounter = (idCounter + 1) % 0x10000;
  return `${Date.now().toString(36)}-${idCounter.toString(36)}-${Math.floor(Math.random() * 0x100000000).toString(36)}`;
}
