// What the chat shows about an answer, built from the router's decision and the ledger record:
// who answered and why, what was dropped, the fallbacks, usage, cost and timing; and failures as
// a message with buttons. Pure (no vscode import), so it is unit-tested in test/unit/panels/chat.
import type { ModelRef, ProviderKind } from '../../core/types';
import { ZERO_USAGE } from '../../core/types';
import type { SettingsSnapshot } from '../../core/settings/schema';
import type { Decision } from '../../core/router/route';
import type { DecisionRecord } from '../../core/router/decision';
import type { Hop } from '../../core/router/execute';
import { RoutedRunError, hopPhrase } from '../../core/router/execute';
import type { AnswerMeta, ChatAction, ChatFallback, ChatModelOption } from '../../shared/protocol';

export function modelOption(model: Pick<ModelRef, 'id' | 'tier' | 'provider'>): ChatModelOption {
  return { id: model.id, label: model.id, tier: model.tier, provider: model.provider };
}

/** Models the user may pin: every configured model except FIM base models used only for completions. */
export function pinnableModels(settings: SettingsSnapshot): ChatModelOption[] {
  const beyondCompletion = new Set([
    ...settings.routes.chat,
    ...settings.routes.edit,
    ...settings.routes.refactor,
    ...settings.chat.escalation.models,
  ]);
  const completionOnly = new Set(settings.routes.completion.filter((id) => !beyondCompletion.has(id)));
  return settings.models.filter((m) => !completionOnly.has(m.id)).map(modelOption);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.ceil(ms / 1000)} s`;
}

/** The short phrase between the two model names: `overloaded`, `rate-limited (retry in 12 s)`. */
export function fallbackReason(hop: Pick<Hop, 'kind' | 'retryAfterMs'>): string {
  const phrase = hopPhrase(hop.kind);
  return hop.retryAfterMs !== undefined ? `${phrase} (retry in ${seconds(hop.retryAfterMs)})` : phrase;
}

/** A hop the user should see as "A overloaded → B"; undefined when nothing was left to try. */
export function fallbackOf(hop: Pick<Hop, 'from' | 'to' | 'kind' | 'retryAfterMs'>): ChatFallback | undefined {
  return hop.to === null ? undefined : { from: hop.from, to: hop.to, reason: fallbackReason(hop) };
}

export interface AnswerMetaInput {
  decision: Decision;
  record: DecisionRecord;
  /** The model that answered (or was answering when stopped). */
  model: Pick<ModelRef, 'id' | 'tier' | 'provider'>;
  /** The user pinned this model for the request. */
  pinned?: boolean;
  /** The run's hops with their retry-after (the record keeps a shorter form); defaults to the record's. */
  hops?: readonly Pick<Hop, 'from' | 'to' | 'kind' | 'text' | 'retryAfterMs'>[];
}

/** Why the answering model was used, one line each. */
export function answerReasons(input: AnswerMetaInput): string[] {
  const { decision, record, model } = input;
  const reasons: string[] = [];
  if (input.pinned) reasons.push(`pinned by you (routing skipped; privacy and health still apply)`);
  const verdict = decision.candidates.find((c) => c.model.id === model.id);
  if (record.hops.length > 0 && decision.chosen !== null && decision.chosen.id !== model.id) {
    reasons.push(`next in the fallback chain after ${record.hops.map((h) => h.text).join('; ')}`);
  }
  if (verdict?.kept) reasons.push(verdict.reason);
  const difficulty = decision.difficulty;
  if (difficulty) {
    const why = difficulty.reasons.length > 0 ? `: ${difficulty.reasons.join(', ')}` : '';
    reasons.push(
      difficulty.escalated
        ? `hard question (difficulty ${difficulty.score.toFixed(2)}${why}), so the frontier tier first`
        : `difficulty ${difficulty.score.toFixed(2)}${why}; no escalation`,
    );
  }
  if (decision.budgetOverrideUsed) reasons.push('allowed past the budget once, as you asked');
  if (decision.localOnly) reasons.push('local-only privacy: only local models (Ollama, or a model declared local)');
  return reasons;
}

export function buildAnswerMeta(input: AnswerMetaInput): AnswerMeta {
  const { decision, record, model } = input;
  return {
    modelId: model.id,
    modelLabel: model.id,
    tier: model.tier,
    provider: model.provider,
    reasons: answerReasons(input),
    dropped: decision.candidates.filter((c) => !c.kept).map((c) => ({ modelId: c.model.id, reason: c.reason })),
    fallbacks: (input.hops ?? record.hops).map(fallbackOf).filter((f): f is ChatFallback => f !== undefined),
    usage: record.usage ?? ZERO_USAGE,
    costUsd: record.costUsd,
    ttftMs: record.ttftMs,
    totalMs: record.totalMs ?? 0,
    stopped: record.outcome === 'aborted',
    ...(record.usageEstimated && { estimated: true as const }),
  };
}

const PROVIDER_NAMES: Record<ProviderKind, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  ollama: 'Ollama',
  'openai-compatible': 'OpenAI-compatible',
};

/** The setting that most likely fixes a failure, for the "Open settings" button. */
function settingFor(error: Error, decision: Decision): string {
  if (error instanceof RoutedRunError && error.kind === 'noCandidate') {
    switch (decision.blockedBy) {
      case 'privacy':
        return 'switchboard.privacy.localOnly';
      case 'budget':
      case 'perRequestCost':
      case 'unknownPrice':
        return 'switchboard.budget';
      case 'latency':
        return 'switchboard.latencyBudgetMs';
      case 'contextWindow':
        return 'switchboard.models';
      default:
        return `switchboard.routes`;
    }
  }
  const kind = error instanceof RoutedRunError ? error.kind : undefined;
  if (kind === 'network' || kind === 'timeout') return 'switchboard.endpoints';
  if (kind === 'notFound' || kind === 'contextTooLong') return 'switchboard.models';
  return 'switchboard.routes';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The failure as the user reads it: it names the provider (the providers' own messages do) and what to do. */
export function failureMessage(error: Error, decision: Decision): string {
  if (error instanceof RoutedRunError) {
    if (error.kind === 'noCandidate') return `${capitalised(decision.explanation)}.`;
    // The chain ran out (no cause: not one model's final failure): each hop carries that provider's own message and fix.
    if (error.cause === undefined && !error.outputStarted && error.hops.length > 0 && error.kind !== 'internal') {
      const [only] = error.hops;
      if (error.hops.length === 1) return only.message;
      return `Every model for this ${decision.task} failed. ${error.hops.map((h) => `${h.from}: ${h.message}`).join(' ')}`;
    }
  }
  return error.message;
}

export interface FailureView {
  message: string;
  actions: ChatAction[];
}

export function describeFailure(error: Error, decision: Decision, needsKeyFor?: ProviderKind, keyWithheldFor?: ProviderKind): FailureView {
  const actions: ChatAction[] = [];
  if (needsKeyFor)
    actions.push({ label: `Set ${PROVIDER_NAMES[needsKeyFor]} API Key`, command: 'switchboard.setApiKey', args: [needsKeyFor] });
  if (keyWithheldFor) actions.push({ label: 'Manage Key Destinations…', command: 'switchboard.manageKeyDestinations' });
  actions.push({ label: 'Open Settings', command: 'workbench.action.openSettings', args: [settingFor(error, decision)] });
  actions.push({ label: 'Show Log', command: 'switchboard.showLog' });
  return { message: failureMessage(error, decision), actions };
}
