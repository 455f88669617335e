// Decision records for router-panel tests and benchmarks: a hand-made builder and a seeded generator
// of realistic ledgers (candidates dropped for real reasons, hops, usage priced from the table).
import type { CandidateSummary, DecisionRecord, ModelSummary, OutcomeUpdateRecord } from '../../src/core/router/decision';
import { RECORD_VERSION, buildOutcomeUpdate } from '../../src/core/router/decision';
import { seededRng } from '../../src/core/ratings/blinding';
import type { Rng } from '../../src/core/ratings/blinding';
import { costOfUsage, priceOf } from '../../src/core/cost/price';
import { dayKeyOf } from '../../src/core/cost/calendar';
import { DEFAULT_MODELS } from '../../src/core/settings/schema';
import type { ModelRef, Outcome, TaskKind, Tier, Usage } from '../../src/core/types';

export function modelSummary(id: string, tier: Tier, local = tier === 'local'): ModelSummary {
  return { id, provider: local ? 'ollama' : id.startsWith('claude') ? 'anthropic' : 'openai', model: id, tier, local };
}

/** A minimal valid decision; override what a test is about. */
export function makeDecision(overrides: Partial<DecisionRecord> & { id: string; time: number }): DecisionRecord {
  const chosen = overrides.chosen === undefined ? modelSummary('gpt-6-luna', 'mid') : overrides.chosen;
  return {
    v: RECORD_VERSION,
    type: 'decision',
    day: dayKeyOf(overrides.time),
    workspace: '/ws/one',
    task: 'edit',
    candidates: chosen === null ? [] : [{ id: chosen.id, tier: chosen.tier, source: 'route', kept: true, reason: 'first in route' }],
    chosen,
    answeredBy: chosen,
    hops: [],
    usage: { inputTokens: 100, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0.001,
    estimatedCostUsd: 0.001,
    ttftMs: 200,
    totalMs: 900,
    outcome: 'ok',
    explanation: 'first in route',
    ...overrides,
  };
}

export function makeOutcome(of: DecisionRecord, outcome: Outcome, time = of.time + 1000): OutcomeUpdateRecord {
  return buildOutcomeUpdate(of, outcome, time);
}

export const SYNTHETIC_WORKSPACES: readonly (string | null)[] = ['/home/dev/shop', '/home/dev/infra', '/home/dev/notes', null];
const LANGUAGES = ['typescript', 'python', 'go', 'rust', 'markdown'];
const ROUTES: Record<TaskKind, string[]> = {
  completion: ['qwen2.5-coder:1.5b-base', 'gpt-6-luna'],
  edit: ['gpt-6-luna', 'claude-haiku-4-5'],
  refactor: ['claude-sonnet-5-5', 'gpt-6.1-sol'],
  chat: ['gpt-6-luna', 'claude-haiku-4-5', 'claude-sonnet-5-5'],
};
const DROP_REASONS = [
  'cooling down after 429 rate limited (retry in 12 s)',
  'typical first token 2400 ms is over the 1500 ms latency budget',
  '~$0.0412 is over the per-request cap of $0.02',
  'local-only privacy: it would send code to api.openai.com',
  '~182k prompt + 4k output tokens exceed its 128k context window',
  'is a cloud model and switchboard.completion.allowCloudFallback is off',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function pickTask(rng: Rng): TaskKind {
  const x = rng();
  return x < 0.6 ? 'completion' : x < 0.75 ? 'edit' : x < 0.95 ? 'chat' : 'refactor';
}

export interface SyntheticLedgerOptions {
  count: number;
  seed: number;
  /** Newest record's time; records spread back over `days`. */
  now: number;
  days?: number;
}

/**
 * `count` decisions, oldest first, with a seeded RNG: same options, same ledger. Model versions
 * change once half-way through (qwen's digest, sonnet's snapshot) so drift shows up.
 */
export function syntheticLedger(options: SyntheticLedgerOptions): DecisionRecord[] {
  const rng = seededRng(options.seed);
  const days = options.days ?? 45;
  const span = days * 86_400_000;
  const start = options.now - span;
  const refs = new Map<string, ModelRef>(DEFAULT_MODELS.map((m) => [m.id, m]));
  const out: DecisionRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const time = Math.round(start + ((i + rng() * 0.5) / options.count) * span);
    const task = pickTask(rng);
    const route = ROUTES[task];
    const candidates: CandidateSummary[] = [];
    let chosenId: string | null = null;
    for (const id of route) {
      const ref = refs.get(id)!;
      const drop = chosenId === null && rng() < 0.18;
      if (drop) {
        candidates.push({ id, tier: ref.tier, source: 'route', kept: false, reason: pick(rng, DROP_REASONS) });
      } else {
        candidates.push({
          id,
          tier: ref.tier,
          source: 'route',
          kept: true,
          reason: chosenId === null ? 'first in route' : 'kept as fallback',
        });
        chosenId ??= id;
      }
    }
    const chosenRef = chosenId === null ? null : refs.get(chosenId)!;
    let answeredRef = chosenRef;
    const hops: DecisionRecord['hops'] = [];
    if (chosenRef !== null && chosenRef.tier !== 'local' && rng() < 0.04) {
      const next = candidates.find((c) => c.kept && c.id !== chosenRef.id);
      if (next) {
        hops.push({ from: chosenRef.id, to: next.id, kind: 'overloaded', text: `${chosenRef.id} overloaded → ${next.id}` });
        answeredRef = refs.get(next.id)!;
      }
    }
    const local = answeredRef?.tier === 'local';
    const failed = chosenRef === null || rng() < 0.03;
    const usage: Usage | null = failed
      ? null
      : {
          inputTokens: Math.round(task === 'completion' ? 300 + rng() * 1500 : 800 + rng() * 12_000),
          outputTokens: Math.round(task === 'completion' ? 5 + rng() * 60 : 100 + rng() * 1500),
          cacheReadTokens: rng() < 0.3 ? Math.round(rng() * 4000) : 0,
          cacheWriteTokens: 0,
        };
    let costUsd: number | null = 0;
    if (usage !== null && answeredRef !== null) {
      const price = priceOf(answeredRef, local);
      costUsd = price === null ? null : Math.round(costOfUsage(usage, price) * 1e9) / 1e9;
    }
    const ttftMs = failed ? null : Math.round((local ? 60 : 300) + rng() * (local ? 200 : 1500));
    const totalMs = failed ? null : ttftMs! + Math.round(rng() * (task === 'completion' ? 400 : 9000));
    let outcome: Outcome;
    if (failed) outcome = chosenRef === null ? 'error' : rng() < 0.5 ? 'error' : 'aborted';
    else if (task === 'completion') outcome = rng() < 0.34 ? 'accepted' : rng() < 0.5 ? 'rejected' : 'pending';
    else if (task === 'edit' || task === 'refactor') outcome = rng() < 0.7 ? 'accepted' : 'rejected';
    else outcome = 'ok';
    const secondHalf = i >= options.count / 2;
    const summaryOf = (ref: ModelRef) => modelSummary(ref.id, ref.tier, ref.tier === 'local');
    const record: DecisionRecord = {
      v: RECORD_VERSION,
      type: 'decision',
      id: `d${String(i).padStart(7, '0')}`,
      time,
      day: dayKeyOf(time),
      workspace: pick(rng, SYNTHETIC_WORKSPACES),
      task,
      candidates,
      chosen: chosenRef === null ? null : summaryOf(chosenRef),
      answeredBy: failed || answeredRef === null ? null : summaryOf(answeredRef),
      hops,
      usage,
      costUsd: failed ? 0 : costUsd,
      estimatedCostUsd: costUsd,
      ttftMs,
      totalMs,
      outcome,
      explanation:
        chosenRef === null
          ? `no ${task} candidate left: ${candidates.map((c) => `${c.id}: ${c.reason}`).join('; ')}`
          : `${chosenRef.id}: first ${task} candidate that fits`,
    };
    if (task === 'completion') record.language = pick(rng, LANGUAGES);
    if (!failed && answeredRef !== null) {
      record.servedModel = answeredRef.model;
      if (answeredRef.id === 'qwen2.5-coder:1.5b-base') record.modelVersion = secondHalf ? 'sha256:9b1c0e' : 'sha256:4a7f21';
      if (answeredRef.id === 'claude-sonnet-5-5')
        record.modelVersion = secondHalf ? 'claude-sonnet-5-5-20261101' : 'claude-sonnet-5-5-20260915';
    }
    if (failed) record.error = chosenRef === null ? record.explanation : `${chosenRef.id} failed: connection reset before any output`;
    out.push(record);
  }
  return out;
}
