// The record of one routing decision as the ledger stores it: one JSON line per decision, and
// later outcome updates appended as their own lines keyed by the decision's id.
import type { ModelRef, Outcome, TaskKind, Tier, Usage } from '../types';
import type { SettingsSnapshot } from '../settings/schema';
import { isLocalModel } from '../endpoints';
import type { PriceTable } from '../cost/price';
import { BUNDLED_PRICES, costOfUsage, priceOf } from '../cost/price';
import { dayKeyOf } from '../cost/calendar';
import type { CandidateSource, Decision } from './route';
import type { Hop, PartialSpend, RunResult } from './execute';
import { RoutedRunError } from './execute';

export const RECORD_VERSION = 1;

export interface ModelSummary {
  id: string;
  provider: ModelRef['provider'];
  model: string;
  tier: Tier;
  /** Served from this machine or network (so free, and allowed under local-only). */
  local: boolean;
}

export interface CandidateSummary {
  id: string;
  tier: Tier;
  source: CandidateSource;
  kept: boolean;
  reason: string;
}

export interface DecisionRecord {
  v: typeof RECORD_VERSION;
  type: 'decision';
  id: string;
  /** Wall-clock ms of the decision. */
  time: number;
  /** Local `YYYY-MM-DD` of `time`: what budgets and totals group by. */
  day: string;
  workspace: string | null;
  task: TaskKind;
  language?: string;
  candidates: CandidateSummary[];
  /** The router's first choice. */
  chosen: ModelSummary | null;
  /** The model that actually answered (or streamed part of an answer before failing), after any hops; null when none did. */
  answeredBy: ModelSummary | null;
  hops: Pick<Hop, 'from' | 'to' | 'kind' | 'text'>[];
  /** The provider's usage report (inputTokens excludes cached tokens); estimated when `usageEstimated`. */
  usage: Usage | null;
  /**
   * The request was stopped or failed after it was sent, before the provider's final usage report: `usage`
   * is the input it reported (else the request's estimated prompt tokens) and the output counted from the
   * streamed text, and `costUsd` is priced from that.
   */
  usageEstimated?: true;
  /** null when the model's price is unknown. */
  costUsd: number | null;
  estimatedCostUsd: number | null;
  /** As the caller saw them, across hops. */
  ttftMs: number | null;
  totalMs: number | null;
  outcome: Outcome;
  /** The model name the server reported. */
  servedModel?: string;
  /** Digest (Ollama) or dated snapshot id, for drift detection. */
  modelVersion?: string;
  difficulty?: { score: number; escalated: boolean; reasons: string[] };
  explanation: string;
  error?: string;
}

/** A later change to a decision's outcome (e.g. a shown completion was accepted). */
export interface OutcomeUpdateRecord {
  v: typeof RECORD_VERSION;
  type: 'outcome';
  id: string;
  time: number;
  outcome: Outcome;
  /** Copied from the decision so totals can count outcomes without looking the decision up. */
  day: string;
  task: TaskKind;
  workspace: string | null;
  model: string | null;
}

export type LedgerRecord = DecisionRecord | OutcomeUpdateRecord;

export function summariseModel(model: ModelRef, settings: SettingsSnapshot): ModelSummary {
  return {
    id: model.id,
    provider: model.provider,
    model: model.model,
    tier: model.tier,
    local: isLocalModel(model, settings.endpoints),
  };
}

export interface RecordInput {
  decision: Decision;
  settings: SettingsSnapshot;
  /** What runRouted delivered, or the error it threw; omit when the request never ran. */
  run?: RunResult | RoutedRunError | Error;
  /** Defaults: `aborted`/`error` from the run, `pending` for completions (acceptance comes later), else `ok`. */
  outcome?: Outcome;
  language?: string;
  prices?: PriceTable;
}

/**
 * Builds the ledger line for a finished (or failed, or aborted) request. Cost comes from the usage the
 * provider reported; a request stopped or failed after it was sent is priced from an estimate of what it spent.
 */
export function buildDecisionRecord(input: RecordInput): DecisionRecord {
  const { decision, settings, run } = input;
  const result = run !== undefined && !(run instanceof Error) ? run : undefined;
  const error = run instanceof Error ? run : undefined;
  const routedError = error instanceof RoutedRunError ? error : undefined;
  const final = result?.final ?? null;
  // The provider's own report when the stream ended normally; else an estimate when the request was sent.
  const reported = final !== null && final.stopReason !== 'aborted' ? final.usage : null;
  const partial = reported === null ? (result?.partial ?? routedError?.partial) : undefined;
  const usage = reported ?? (partial ? estimatedUsage(partial, decision.promptTokens) : (final?.usage ?? null));
  const answered = result?.model ?? (routedError?.partial ? routedError.model : null);
  let costUsd: number | null = 0;
  if (answered !== null && usage !== null) {
    const price = priceOf(answered, isLocalModel(answered, settings.endpoints), input.prices ?? BUNDLED_PRICES);
    costUsd = price === null ? null : roundMicro(costOfUsage(usage, price));
  }
  const hops = result?.hops ?? (error instanceof RoutedRunError ? error.hops : []);
  const outcome: Outcome =
    input.outcome ??
    (error !== undefined
      ? 'error'
      : result?.aborted
        ? 'aborted'
        : result === undefined
          ? 'error'
          : decision.task === 'completion'
            ? 'pending'
            : 'ok');
  const record: DecisionRecord = {
    v: RECORD_VERSION,
    type: 'decision',
    id: decision.id,
    time: decision.at,
    day: dayKeyOf(decision.at),
    workspace: decision.workspace ?? null,
    task: decision.task,
    candidates: decision.candidates.map((c) => ({ id: c.model.id, tier: c.model.tier, source: c.source, kept: c.kept, reason: c.reason })),
    chosen: decision.chosen === null ? null : summariseModel(decision.chosen, settings),
    answeredBy: answered === null ? null : summariseModel(answered, settings),
    hops: hops.map((h) => ({ from: h.from, to: h.to, kind: h.kind, text: h.text })),
    usage,
    ...(partial && { usageEstimated: true as const }),
    costUsd,
    estimatedCostUsd: decision.estimatedCostUsd,
    ttftMs: result?.ttftMs ?? null,
    totalMs: result?.totalMs ?? null,
    outcome,
    explanation: decision.explanation,
  };
  if (input.language !== undefined) record.language = input.language;
  if (final?.model) record.servedModel = final.model;
  if (final?.version) record.modelVersion = final.version;
  if (decision.difficulty)
    record.difficulty = {
      score: decision.difficulty.score,
      escalated: decision.difficulty.escalated,
      reasons: decision.difficulty.reasons,
    };
  if (error !== undefined) record.error = error.message;
  else if (result === undefined && decision.chosen === null) record.error = decision.explanation;
  return record;
}

export function buildOutcomeUpdate(
  of: Pick<DecisionRecord, 'id' | 'day' | 'task' | 'workspace' | 'answeredBy'>,
  outcome: Outcome,
  time: number,
): OutcomeUpdateRecord {
  return {
    v: RECORD_VERSION,
    type: 'outcome',
    id: of.id,
    time,
    outcome,
    day: of.day,
    task: of.task,
    workspace: of.workspace,
    model: of.answeredBy?.id ?? null,
  };
}

/** What a stopped or failed request spent: the input the provider reported (else the request's estimate), and the output counted so far. */
function estimatedUsage(partial: PartialSpend, promptTokens: number): Usage {
  const r = partial.reported;
  const reportedInput = r !== null && r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens > 0;
  return {
    inputTokens: reportedInput ? r.inputTokens : Math.max(0, Math.round(promptTokens)),
    outputTokens: Math.max(r?.outputTokens ?? 0, partial.outputTokens),
    cacheReadTokens: reportedInput ? r.cacheReadTokens : 0,
    cacheWriteTokens: reportedInput ? r.cacheWriteTokens : 0,
  };
}

function roundMicro(usd: number): number {
  // Ledger values to 1e-9 USD: enough precision, no float noise in the JSON.
  return Math.round(usd * 1e9) / 1e9;
}
