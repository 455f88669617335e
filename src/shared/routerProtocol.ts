// Router panel ↔ extension host messages: types for both directions and host-side validation of the
// webview's. Schemas are built on first use, so the webview bundle (types and constants only) leaves zod out.
import { z } from 'zod';
import type { AcceptanceStats } from '../core/ratings/acceptance';
import type { VoteChoice, VoteTag } from '../core/ratings/blinding';
import { VOTE_CHOICES, VOTE_TAGS } from '../core/ratings/blinding';
import type { Leaderboard } from '../core/ratings/bradleyTerry';
import type { DriftEvent } from '../core/ratings/drift';
import type { RouteProposalResult } from '../core/ratings/proposal';
import type { Outcome, TaskKind } from '../core/types';
import { TASK_KINDS } from '../core/types';
import { messageIdSchema, messageShapeProblem, modelIdSchema, schemaProblem, tierSchema } from './protocol';
import type {
  CostSplit,
  CostSummary,
  DecisionFilter,
  DecisionRowView,
  DriftComparison,
  ExportFormat,
  FilterOptions,
} from './routerPanelData';
import { COST_SPLITS, EXPORT_FORMATS, OUTCOMES } from './routerPanelData';

/** The most rows one page may ask for. */
export const MAX_PAGE_LIMIT = 500;
/** The page size the panel asks for. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_WORKSPACE_CHARS = 1024;
export const MAX_COMPARISON_ID_CHARS = 128;

// ── Webview → host ──

export type RouterWebviewMessage =
  /** First message, once the webview listens; the host posts nothing before it and answers with `init`. */
  | { type: 'ready' }
  /** Replaces the whole filter; the host answers with `page` at offset 0 (replyTo = id). */
  | { type: 'setFilter'; id: string; filter: DecisionFilter }
  /** A page of the current filter, newest first; the host answers with `page`. */
  | { type: 'requestPage'; id: string; offset: number; limit: number }
  /** The host answers with `cost`. */
  | { type: 'setCostSplit'; id: string; split: CostSplit }
  /** Export what the current filter selects; the host shows a save dialog and answers with `exportDone`. */
  | { type: 'export'; id: string; format: ExportFormat }
  /** A blinded vote; the host records it and answers with `comparisonRevealed`. */
  | { type: 'vote'; id: string; comparisonId: string; choice: VoteChoice; tags: VoteTag[] }
  /** Apply the host's current proposal for `task` to the workspace settings; answered by `proposalApplied`. */
  | { type: 'applyProposal'; id: string; task: TaskKind }
  /** Opt in or out of applying proposals automatically; the host confirms with `proposals`. */
  | { type: 'setAutoApply'; id: string; enabled: boolean }
  /** "Compare against previous" on a drift notice; answered by `driftComparison` (or `error`). */
  | { type: 'compareDrift'; id: string; modelId: string };

export type RouterWebviewMessageType = RouterWebviewMessage['type'];
export type RouterWebviewMessageOf<T extends RouterWebviewMessageType> = Extract<RouterWebviewMessage, { type: T }>;

function buildRouterWebviewMessageSchema(): z.ZodType<RouterWebviewMessage> {
  const id = messageIdSchema();
  const modelId = modelIdSchema();
  const task = z.enum(TASK_KINDS as [TaskKind, ...TaskKind[]]);
  const filter = z.strictObject({
    task: task.optional(),
    model: modelId.optional(),
    tier: tierSchema().optional(),
    outcome: z.enum(OUTCOMES as [Outcome, ...Outcome[]]).optional(),
    /** null: decisions made outside any workspace. */
    workspace: z.string().min(1).max(MAX_WORKSPACE_CHARS).nullable().optional(),
  });
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('ready') }),
    z.strictObject({ type: z.literal('setFilter'), id, filter }),
    z.strictObject({
      type: z.literal('requestPage'),
      id,
      offset: z.number().int().min(0).max(1_000_000_000),
      limit: z.number().int().min(1).max(MAX_PAGE_LIMIT),
    }),
    z.strictObject({ type: z.literal('setCostSplit'), id, split: z.enum(COST_SPLITS as [CostSplit, ...CostSplit[]]) }),
    z.strictObject({ type: z.literal('export'), id, format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]) }),
    z.strictObject({
      type: z.literal('vote'),
      id,
      comparisonId: z.string().min(1).max(MAX_COMPARISON_ID_CHARS),
      choice: z.enum(VOTE_CHOICES as [VoteChoice, ...VoteChoice[]]),
      tags: z
        .array(z.enum(VOTE_TAGS as [VoteTag, ...VoteTag[]]))
        .max(VOTE_TAGS.length)
        .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a tag'),
    }),
    z.strictObject({ type: z.literal('applyProposal'), id, task }),
    z.strictObject({ type: z.literal('setAutoApply'), id, enabled: z.boolean() }),
    z.strictObject({ type: z.literal('compareDrift'), id, modelId }),
  ]);
}

let routerWebviewMessageSchema: z.ZodType<RouterWebviewMessage> | undefined;

export type RouterWebviewMessageCheck = { ok: true; message: RouterWebviewMessage } | { ok: false; problem: string };

/**
 * Checks a message from the router webview: rejects non-objects, unknown types, unknown or extra
 * keys, wrong types, out-of-range numbers and oversized strings or arrays. `problem` names the field
 * and rule, never the message's content. Never throws, whatever `raw` is.
 */
export function checkRouterWebviewMessage(raw: unknown): RouterWebviewMessageCheck {
  try {
    const shape = messageShapeProblem(raw);
    if (shape !== undefined) return { ok: false, problem: shape };
    routerWebviewMessageSchema ??= buildRouterWebviewMessageSchema();
    const result = routerWebviewMessageSchema.safeParse(raw);
    return result.success ? { ok: true, message: result.data } : { ok: false, problem: schemaProblem(result.error) };
  } catch {
    return { ok: false, problem: 'message: could not be read' };
  }
}

/** The message if it is one the router webview may send, otherwise undefined (unknown, malformed or oversized). */
export function parseRouterWebviewMessage(raw: unknown): RouterWebviewMessage | undefined {
  const check = checkRouterWebviewMessage(raw);
  return check.ok ? check.message : undefined;
}

// ── Host → webview ──

export type ComparisonSide = 'a' | 'b';

/** What one side of a blind comparison took and cost: the host keeps it until the vote and sends it only with the reveal. */
export interface ComparisonSideFigures {
  ttftMs: number | null;
  totalMs: number | null;
  costUsd: number | null;
  /** From the provider's usage report; null when none came. */
  inputTokens: number | null;
  outputTokens: number | null;
}

/** Which side answered sooner, without numbers (the card may say so before the vote); 'same' when within 10 %. */
export type ComparisonSpeed = ComparisonSide | 'same';

/** The panel's tabs, in the order they are shown. */
export const ROUTER_TABS = ['decisions', 'cost', 'feel'] as const;
export type RouterTab = (typeof ROUTER_TABS)[number];

/** Everything the panel shows, sent once in answer to `ready`. */
export interface RouterPanelSnapshot {
  filter: DecisionFilter;
  options: FilterOptions;
  page: RouterPage;
  pageLimit: number;
  costSplit: CostSplit;
  cost: CostSummary;
  acceptance: AcceptanceStats;
  leaderboards: Leaderboard[];
  proposals: RouteProposalResult[];
  autoApply: boolean;
  drift: DriftEvent[];
}

export interface RouterPage {
  offset: number;
  /** Decisions the filter selects. */
  total: number;
  /** Newest first. */
  rows: DecisionRowView[];
}

export type RouterHostMessage =
  | { type: 'init'; state: RouterPanelSnapshot }
  /** Answer to setFilter or requestPage (`replyTo` = the request's id). */
  | ({ type: 'page'; replyTo?: string; filter: DecisionFilter } & RouterPage)
  /** A new decision that passes the current filter; `rank` is its newest-first position, `total` the new count. */
  | { type: 'decisionAdded'; row: DecisionRowView; rank: number; total: number }
  /** A decision's outcome changed (e.g. a completion was accepted). */
  | { type: 'decisionUpdated'; row: DecisionRowView }
  | { type: 'filterOptions'; options: FilterOptions }
  | { type: 'cost'; replyTo?: string; summary: CostSummary }
  | { type: 'acceptance'; stats: AcceptanceStats }
  | { type: 'leaderboards'; leaderboards: Leaderboard[] }
  | { type: 'proposals'; proposals: RouteProposalResult[]; autoApply: boolean }
  | { type: 'drift'; events: DriftEvent[] }
  | { type: 'driftComparison'; replyTo?: string; comparison: DriftComparison }
  /** A blinded comparison began: no model names until `comparisonRevealed`. */
  | { type: 'comparisonStarted'; comparisonId: string; task: TaskKind; prompt: string; startedAt: number }
  | { type: 'comparisonDelta'; comparisonId: string; side: ComparisonSide; text: string }
  /**
   * A side finished. No cost, tokens or latency: they would tell the models apart before the vote.
   * `faster` comes with whichever side finishes second, when both answered.
   */
  | { type: 'comparisonSideDone'; comparisonId: string; side: ComparisonSide; error?: string; faster?: ComparisonSpeed }
  | {
      type: 'comparisonRevealed';
      replyTo?: string;
      comparisonId: string;
      choice: VoteChoice;
      modelA: string;
      modelB: string;
      winner: string | null;
      /** Each side's latency, tokens and cost, first shown now; null for a side that had not finished or was forgotten. */
      figures: Record<ComparisonSide, ComparisonSideFigures | null>;
    }
  /** Select a tab and focus it (e.g. Feel when a comparison starts); posted after `init`, never before. */
  | { type: 'showTab'; tab: RouterTab }
  | { type: 'exportDone'; replyTo: string; ok: boolean; message: string }
  | { type: 'proposalApplied'; replyTo: string; task: TaskKind; ok: boolean; message: string }
  | { type: 'error'; replyTo?: string; message: string };

export type RouterHostMessageOf<T extends RouterHostMessage['type']> = Extract<RouterHostMessage, { type: T }>;
