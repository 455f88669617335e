// Each routing candidate against the request's constraints (privacy, context window, health, price, budget,
// latency): kept, or dropped with the one-line reason the user sees. Pure.
import type { TaskKind } from '../types';
import type { BudgetConstraints } from '../cost/budgets';
import { estimateCost } from '../cost/price';
import { formatTokens, formatUsd } from '../format';
import { DECLARED_LOCAL_REASON } from '../endpoints';
import type { HealthView } from './health';
import type { CompiledModel, ConstraintKind } from './route';

/** The request and router state every candidate is judged against. */
export interface JudgeContext {
  task: TaskKind;
  promptTokens: number;
  outputTokens: number;
  localOnly: boolean;
  allowCloudCompletion: boolean;
  health: HealthView;
  budget: BudgetConstraints;
  perRequestCap: number | null;
  latencyBudgetMs: number;
}

export interface Judgement {
  kept: boolean;
  reason: string;
  constraint?: ConstraintKind;
  cost: number | null;
  usedOverride: boolean;
  note?: string;
}

/** Keeps or drops one candidate; a kept one may carry a note (probing after a cooldown) or have used the budget override. */
export function judgeCandidate(cm: CompiledModel, ctx: JudgeContext): Judgement {
  const id = cm.ref.id;
  if (ctx.localOnly && !cm.local) {
    return {
      kept: false,
      constraint: 'privacy',
      reason: `local-only privacy: ${id} would send code to ${cm.host}`,
      cost: null,
      usedOverride: false,
    };
  }
  if (ctx.task === 'completion' && !cm.local && !ctx.allowCloudCompletion) {
    return {
      kept: false,
      constraint: 'completionCloud',
      reason: `${id} is a cloud model and switchboard.completion.allowCloudFallback is off`,
      cost: null,
      usedOverride: false,
    };
  }
  const needed = ctx.promptTokens + ctx.outputTokens;
  if (needed > cm.ref.contextWindow) {
    return {
      kept: false,
      constraint: 'contextWindow',
      reason: `~${formatTokens(ctx.promptTokens)} prompt + ${formatTokens(ctx.outputTokens)} output tokens exceed its ${formatTokens(cm.ref.contextWindow)} context window`,
      cost: null,
      usedOverride: false,
    };
  }
  const availability = ctx.health.availability(id);
  let note: string | undefined;
  if (availability.state === 'open') {
    const why = availability.lastFailure ? ` after ${failurePhrase(availability.lastFailure)}` : '';
    return {
      kept: false,
      constraint: 'health',
      reason: `cooling down${why} (retry in ${seconds(availability.retryInMs)})`,
      cost: null,
      usedOverride: false,
    };
  }
  if (availability.state === 'halfOpen') {
    if (availability.probeInFlight)
      return {
        kept: false,
        constraint: 'health',
        reason: 'recovering: a probe request is already under way',
        cost: null,
        usedOverride: false,
      };
    note = 'probing after a cooldown';
  }

  let cost: number | null = 0;
  let usedOverride = false;
  if (!cm.local) {
    const capped = ctx.perRequestCap !== null || ctx.budget.remainingUsd !== null;
    if (cm.price === null) {
      cost = null;
      if (capped && !ctx.budget.override) {
        return {
          kept: false,
          constraint: 'unknownPrice',
          reason: `no price known for ${cm.ref.model} — add "price" to it in switchboard.models to use it under a budget`,
          cost: null,
          usedOverride: false,
        };
      }
      usedOverride = capped;
    } else {
      cost = estimateCost(ctx.promptTokens, ctx.outputTokens, cm.price);
      if (ctx.perRequestCap !== null && cost > ctx.perRequestCap) {
        if (!ctx.budget.override) {
          return {
            kept: false,
            constraint: 'perRequestCost',
            reason: `~${formatUsd(cost)} is over the per-request cap of ${formatUsd(ctx.perRequestCap)}`,
            cost,
            usedOverride: false,
          };
        }
        usedOverride = true;
      }
      const remaining = ctx.budget.remainingUsd;
      if (remaining !== null && cost > remaining) {
        if (!ctx.budget.override)
          return { kept: false, constraint: 'budget', reason: budgetReason(ctx.budget, cost), cost, usedOverride: false };
        usedOverride = true;
      }
    }
  }
  if (ctx.latencyBudgetMs > 0) {
    const p50 = ctx.health.latencyP50(id, ctx.task);
    if (p50 !== undefined && p50 > ctx.latencyBudgetMs) {
      return {
        kept: false,
        constraint: 'latency',
        reason: `typical first token ${Math.round(p50)} ms is over the ${ctx.latencyBudgetMs} ms latency budget`,
        cost,
        usedOverride: false,
      };
    }
  }
  // Free only because the user said so: the Why line says it, so a proxy on 127.0.0.1 is never free unnoticed.
  if (cm.local && cm.ref.local === true && cm.ref.price === undefined)
    note = note ? `${note}; ${DECLARED_LOCAL_REASON}` : DECLARED_LOCAL_REASON;
  return { kept: true, reason: '', cost, usedOverride, note };
}

function budgetReason(budget: BudgetConstraints, cost: number): string {
  const limit = budget.limitedBy;
  if (limit === null) return `~${formatUsd(cost)} is over the remaining budget`;
  const name = limit.period === 'day' ? 'daily' : 'monthly';
  if ((budget.remainingUsd ?? 0) <= 0) return `${name} budget of ${formatUsd(limit.capUsd)} reached (${formatUsd(limit.spentUsd)} spent)`;
  return `~${formatUsd(cost)} is more than the ${formatUsd(budget.remainingUsd ?? 0)} left of the ${name} budget (${formatUsd(limit.capUsd)})`;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.ceil(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`;
}

/** How a failure reads in a sentence: `overloaded`, `a rate limit`, … */
export function failurePhrase(kind: string): string {
  switch (kind) {
    case 'rateLimit':
      return 'a rate limit';
    case 'overloaded':
      return 'an overload';
    case 'server':
      return 'a server error';
    case 'network':
      return 'a network failure';
    case 'timeout':
      return 'a timeout';
    case 'auth':
      return 'an API key rejection';
    case 'notFound':
      return 'model not found';
    case 'badResponse':
      return 'a malformed response';
    case 'contextTooLong':
      return 'a too-long prompt';
    default:
      return kind;
  }
}
