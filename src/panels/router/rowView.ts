// A decision record → the compact, plain-data row the router panel's table shows (numbers stay numbers:
// the webview formats them in the user's locale).
import type { CandidateSource } from '../../core/router/route';
import type { DecisionRecord } from '../../core/router/decision';
import type { Outcome, TaskKind, Tier } from '../../core/types';
import { modelOfRecord, tierOfRecord } from './decisionIndex';

/** Long free text is cut here so one odd record cannot bloat a page message. */
export const MAX_TEXT = 2000;
export const MAX_REASON = 400;
export const MAX_CANDIDATES = 32;
export const MAX_HOPS = 16;

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

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function toRowView(record: DecisionRecord): DecisionRowView {
  const usage = record.usage;
  const answered = record.answeredBy ?? record.chosen;
  return {
    id: record.id,
    time: record.time,
    task: record.task,
    language: record.language ?? null,
    workspace: record.workspace ?? null,
    model: modelOfRecord(record),
    tier: tierOfRecord(record),
    chosen: record.chosen?.id ?? null,
    chosenTier: record.chosen?.tier ?? null,
    local: answered?.local ?? false,
    candidates: record.candidates
      .slice(0, MAX_CANDIDATES)
      .map((c) => ({ id: c.id, tier: c.tier, source: c.source, kept: c.kept, reason: clip(c.reason, MAX_REASON) })),
    dropped: record.candidates.reduce((n, c) => n + (c.kept ? 0 : 1), 0),
    hops: record.hops.slice(0, MAX_HOPS).map((h) => ({ from: h.from, to: h.to, kind: h.kind, text: clip(h.text, MAX_REASON) })),
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    cacheReadTokens: usage?.cacheReadTokens ?? null,
    cacheWriteTokens: usage?.cacheWriteTokens ?? null,
    costUsd: record.costUsd,
    estimatedCostUsd: record.estimatedCostUsd,
    ttftMs: record.ttftMs,
    totalMs: record.totalMs,
    outcome: record.outcome,
    explanation: clip(record.explanation, MAX_TEXT),
    error: record.error === undefined ? null : clip(record.error, MAX_TEXT),
    servedModel: record.servedModel ?? null,
    modelVersion: record.modelVersion ?? null,
    difficulty:
      record.difficulty === undefined
        ? null
        : {
            score: record.difficulty.score,
            escalated: record.difficulty.escalated,
            reasons: record.difficulty.reasons.slice(0, 8).map((r) => clip(r, MAX_REASON)),
          },
  };
}
