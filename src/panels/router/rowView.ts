// A decision record → the compact, plain-data row the router panel's table shows (numbers stay numbers:
// the webview formats them in the user's locale).
import type { DecisionRecord } from '../../core/router/decision';
import type { DecisionRowView } from '../../shared/routerPanelData';
import { modelOfRecord, tierOfRecord } from './decisionIndex';

/** Long free text is cut here so one odd record cannot bloat a page message. */
export const MAX_TEXT = 2000;
export const MAX_REASON = 400;
export const MAX_CANDIDATES = 32;
export const MAX_HOPS = 16;

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
