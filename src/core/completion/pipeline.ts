// The inline-completion request pipeline. Per keystroke, in order: answer from the suggestion the
// user is typing along; answer from the cache; reuse the request already streaming (or just
// finished) when the typed text matches its answer; otherwise wait an adaptive debounce (shorter
// while the document's requests are cheap) and send a new request, aborting the document's older
// one. Everything slow is injected: the model call, the clock and the timers.
// Requests themselves (send, stream, wait, orphan grace) are in modelRequest.ts, the typed-text matching in typingAlong.ts.
import type { Clock, Logger } from '../ports';
import { silentLogger } from '../ports';
import type { FimRequest } from '../providers/provider';
import type { Chunk, FinalRecord } from '../types';
import { completionCacheKey, LruCache } from './cache';
import { DEFAULT_COMPLETION_SETTINGS } from './completionSettings';
import type { CompletionSettings } from './completionSettings';
import { gatherContext, SnippetRetriever } from './context';
import type { RecentFile } from './context';
import { debounceDelay, TypingRhythm } from './debounce';
import type { FimPlan } from './family';
import { fimRequestFor } from './fimRequest';
import { tokensToStrip } from './fimTemplates';
import { ModelRequests } from './modelRequest';
import type { CachedCompletion, ModelRequest } from './modelRequest';
import { describeCursor } from './postprocess';
import type { CompletionShape, CursorFacts } from './postprocess';
import { reusableRequest, typingAlong } from './typingAlong';
import type { Shown } from './typingAlong';
import { sleep } from './timers';
import type { Timers } from './timers';

/** Sends one FIM request. Wire it to `provider.streamFim`; a plain Promise of the whole text also works. */
export type FetchCompletion = (request: FimRequest, signal: AbortSignal) => AsyncIterable<Chunk> | Promise<string>;

export type CompletionSource = 'typingAlong' | 'cache' | 'reuse' | 'request';

export interface CompletionInput {
  /** The document's identity (its URI); typing state and the in-flight request are kept per document. */
  documentKey: string;
  /** The whole document text and the cursor as an offset into it. */
  text: string;
  offset: number;
  /** Workspace-relative path: named in the prompt and part of the cache key. */
  filePath: string;
  languageId: string;
  /** Recently viewed files for snippets; only read when a request is actually sent. */
  recentFiles?: () => readonly RecentFile[];
}

export interface CompletionTimings {
  /** From the call to the answer. */
  totalMs: number;
  /** Slept for the debounce (counted from the keystroke, so less when a failed reuse already waited). */
  debounceMs: number;
  /** Spent waiting on an in-flight request whose answer then turned out not to match what was typed. */
  reuseWaitMs: number;
  /** Building the prompt: windows and snippets. */
  contextMs: number;
  /** Waiting for model output inside this call. */
  modelMs: number;
  /** Time to first token of the request the answer came from. */
  ttftMs: number | null;
}

export interface CompletionResult {
  /** Pass the result back to `accepted()` when the user accepts it. */
  id: number;
  /** Text to insert at the cursor; '' means show nothing. */
  text: string;
  source: CompletionSource;
  model: string;
  /** The request the text came from (1, 2, … per pipeline), null when it never came from one this session. */
  requestId: number | null;
  timings: CompletionTimings;
  /** The provider's final record, on the call whose request produced it (usage and version for the ledger). */
  final?: FinalRecord;
  /** Estimated prompt tokens of the request sent by this call. */
  promptTokens?: number;
}

/** One model request as it ended, whichever keystroke (if any) used its answer: one ledger line. */
export interface RequestRecord {
  requestId: number;
  model: string;
  /**
   * `completed`: the model ended the answer. `stoppedEarly`: aborted on purpose once the answer was settled.
   * `cancelled`: aborted before an answer (caller gone, or replaced). `failed`: the provider threw.
   */
  outcome: 'completed' | 'stoppedEarly' | 'cancelled' | 'failed';
  ttftMs: number | null;
  totalMs: number;
  /** Estimated prompt tokens (windows and snippets). */
  promptTokens: number;
  /** Characters of model output received; a usage estimate when `final` has no counts. */
  outputChars: number;
  /** The provider's final record (usage, version); its counts are zero when the stream was aborted. */
  final?: FinalRecord;
  error?: unknown;
}

export interface CompletionPipelineOptions {
  fetchCompletion: FetchCompletion;
  /** Called once per model request when it ends, for the ledger and the router's health view. */
  onRequestEnd?: (record: RequestRecord) => void;
  /** Which model and how to prompt it (from planFim); change later with setPlan(). */
  plan: FimPlan;
  clock: Clock;
  timers: Timers;
  logger?: Logger;
  settings?: Partial<CompletionSettings>;
}

export interface PipelineCounters {
  calls: number;
  answered: Record<CompletionSource, number>;
  /** Answers with nothing to show. */
  empty: number;
  /** Calls that ended without an answer (cancelled by the caller or superseded). */
  unanswered: number;
  requests: number;
  /** Requests aborted before they had an answer (caller gone, or a newer request replaced them). */
  requestsCancelled: number;
  /** Requests stopped on purpose once the answer was settled, to free the model. */
  requestsStoppedEarly: number;
  requestsFailed: number;
  accepted: number;
}

interface DocumentState {
  lastKeyAt: number | undefined;
  rhythm: TypingRhythm;
  shown: Shown | undefined;
  /** The latest request, running or finished. */
  request: ModelRequest | undefined;
  /** Requests sent for this document, and how many of them the rhythm has counted. */
  requestsSent: number;
  requestsCounted: number;
}

export class CompletionPipeline {
  private plan: FimPlan;
  private readonly settings: CompletionSettings;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly cache: LruCache<CachedCompletion>;
  private readonly requests: ModelRequests;
  private readonly documents = new Map<string, DocumentState>();
  private readonly retriever = new SnippetRetriever();
  private specialTokens: readonly string[];
  private nextResultId = 1;
  private readonly tally: PipelineCounters = {
    calls: 0,
    answered: { typingAlong: 0, cache: 0, reuse: 0, request: 0 },
    empty: 0,
    unanswered: 0,
    requests: 0,
    requestsCancelled: 0,
    requestsStoppedEarly: 0,
    requestsFailed: 0,
    accepted: 0,
  };

  constructor(options: CompletionPipelineOptions) {
    this.plan = options.plan;
    this.settings = { ...DEFAULT_COMPLETION_SETTINGS, ...options.settings };
    this.clock = options.clock;
    this.timers = options.timers;
    this.logger = options.logger ?? silentLogger;
    this.cache = new LruCache(this.settings.cacheEntries);
    this.requests = new ModelRequests({
      fetchCompletion: options.fetchCompletion,
      onRequestEnd: options.onRequestEnd,
      clock: this.clock,
      timers: this.timers,
      logger: this.logger,
      tally: this.tally,
      cache: this.cache,
      orphanGraceMs: this.settings.orphanGraceMs,
    });
    this.specialTokens = tokensToStrip(this.plan.family);
  }

  get model(): string {
    return this.plan.model;
  }

  /** Switches model or prompt format; cached answers stay keyed by their model. */
  setPlan(plan: FimPlan): void {
    this.plan = plan;
    this.specialTokens = tokensToStrip(plan.family);
  }

  counters(): PipelineCounters {
    return { ...this.tally, answered: { ...this.tally.answered } };
  }

  /**
   * One keystroke (or cursor move) in a document. Resolves to the suggestion to show ('' = none) with
   * where it came from, or undefined when `signal` aborted first or a newer call replaced this one.
   * Rejects only with the provider's error (e.g. a ProviderError), never because of an abort.
   */
  async complete(input: CompletionInput, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const calledAt = this.clock.monotonic();
    this.tally.calls++;
    if (signal.aborted) return this.unanswered();
    const doc = this.documentState(input.documentKey);
    const sinceLastKeyMs = doc.lastKeyAt === undefined ? Number.POSITIVE_INFINITY : calledAt - doc.lastKeyAt;
    doc.lastKeyAt = calledAt;
    doc.rhythm.record(sinceLastKeyMs);
    doc.rhythm.recordRequests(doc.requestsSent - doc.requestsCounted);
    doc.requestsCounted = doc.requestsSent;

    const prefix = input.text.slice(0, input.offset);
    const suffix = input.text.slice(input.offset);
    const model = this.plan.model;
    const key = completionCacheKey(model, input.filePath, prefix, suffix);
    const base = { doc, prefix, suffix, key, model, calledAt };

    const along = typingAlong(doc.shown, prefix, suffix, {
      model: this.plan.model,
      languageId: input.languageId,
      specialTokens: this.specialTokens,
      maxLines: this.settings.maxLines,
    });
    if (along !== undefined) {
      return this.answer(base, { text: along.text, shape: along.shape, source: 'typingAlong', requestId: along.requestId });
    }

    const cached = this.cache.get(key);
    if (cached !== undefined) {
      return this.answer(base, { ...cached, source: 'cache' });
    }

    const facts = describeCursor(prefix, suffix, {
      languageId: input.languageId,
      specialTokens: this.specialTokens,
      maxLines: this.settings.maxLines,
    });

    // Reusing a request sends nothing, so it does not wait for the debounce.
    let reuseWaitMs = 0;
    const firstCandidate = reusableRequest(doc.request, this.plan.model, prefix, suffix);
    if (firstCandidate) {
      const waitStart = this.clock.monotonic();
      const outcome = await this.reuse(base, firstCandidate, facts, signal);
      if (outcome !== 'mismatch') return outcome;
      reuseWaitMs += this.clock.monotonic() - waitStart;
    }

    // The debounce counts from the keystroke: time spent on a reuse that failed counts towards it.
    const delay = debounceDelay(this.settings.debounce, doc.rhythm, {
      atLineStart: facts.linePrefix.trim() === '',
      sinceLastKeyMs,
    });
    const debounceMs = Math.max(0, delay - (this.clock.monotonic() - calledAt));
    if (!(await sleep(debounceMs, signal, this.timers))) return this.unanswered();

    const laterCandidate = reusableRequest(doc.request, this.plan.model, prefix, suffix);
    if (laterCandidate && laterCandidate.request !== firstCandidate?.request) {
      const waitStart = this.clock.monotonic();
      const outcome = await this.reuse(base, laterCandidate, facts, signal, debounceMs, reuseWaitMs);
      if (outcome !== 'mismatch') return outcome;
      reuseWaitMs += this.clock.monotonic() - waitStart;
    }
    if (signal.aborted) return this.unanswered();

    // At most one request per document: the new one replaces whatever is still streaming.
    if (doc.request?.running) this.requests.abort(doc.request);

    const contextStart = this.clock.monotonic();
    const context = gatherContext(
      {
        prefix,
        suffix,
        filePath: input.filePath,
        languageId: input.languageId,
        recentFiles: input.recentFiles?.(),
        budget: this.settings.contextBudget,
      },
      contextStart + this.settings.contextTimeMs,
      this.clock,
      this.retriever,
    );
    const fimRequest = fimRequestFor(this.plan, this.settings, context, facts.shape);
    const contextMs = this.clock.monotonic() - contextStart;

    const promptTokens = context.tokens.prefix + context.tokens.suffix + context.tokens.snippets;
    const request = this.requests.send(doc, fimRequest, prefix, suffix, facts, key, promptTokens, this.plan.mode);
    const outcome = await this.requests.waitFor(request, '', facts, signal);
    if (outcome === 'failed') throw request.error;
    if (outcome === 'cancelled' || outcome === 'mismatch') return this.unanswered();
    return this.answer(
      base,
      { text: outcome.text, shape: facts.shape, source: 'request', requestId: request.id },
      {
        debounceMs,
        reuseWaitMs,
        contextMs,
        modelMs: outcome.decidedAt - request.startedAt,
        ttftMs: request.firstTextAt === undefined ? null : request.firstTextAt - request.startedAt,
        final: request.final,
        promptTokens,
      },
    );
  }

  /** The user accepted a suggestion (the inline item's command ran). */
  accepted(result: CompletionResult): void {
    this.tally.accepted++;
    for (const doc of this.documents.values()) {
      // The text is in the document now: nothing is left to type along.
      if (doc.shown?.resultId === result.id) doc.shown = undefined;
    }
  }

  /** Forgets a closed document, aborting its request. */
  closeDocument(documentKey: string): void {
    const doc = this.documents.get(documentKey);
    if (!doc) return;
    if (doc.request?.running) this.requests.abort(doc.request);
    this.documents.delete(documentKey);
  }

  dispose(): void {
    for (const key of [...this.documents.keys()]) this.closeDocument(key);
    this.cache.clear();
  }

  // ---- steps ----

  private async reuse(
    base: AnswerBase,
    candidate: { request: ModelRequest; extra: string },
    facts: CursorFacts,
    signal: AbortSignal,
    debounceMs = 0,
    reuseWaitMs = 0,
  ): Promise<CompletionResult | undefined | 'mismatch'> {
    const { request, extra } = candidate;
    const waitStart = this.clock.monotonic();
    const outcome = await this.requests.waitFor(request, extra, facts, signal);
    if (outcome === 'failed') throw request.error;
    if (outcome === 'cancelled') return this.unanswered();
    if (outcome === 'mismatch') return 'mismatch';
    return this.answer(
      base,
      { text: outcome.text, shape: facts.shape, source: 'reuse', requestId: request.id },
      {
        debounceMs,
        reuseWaitMs,
        contextMs: 0,
        modelMs: Math.max(0, outcome.decidedAt - waitStart),
        ttftMs: request.firstTextAt === undefined ? null : request.firstTextAt - request.startedAt,
      },
    );
  }

  private answer(
    base: AnswerBase,
    found: { text: string; shape: CompletionShape; source: CompletionSource; requestId: number | null },
    extra: Partial<Omit<CompletionTimings, 'totalMs'>> & { final?: FinalRecord; promptTokens?: number } = {},
  ): CompletionResult {
    const { doc, prefix, suffix, key, model, calledAt } = base;
    const id = this.nextResultId++;
    this.tally.answered[found.source]++;
    if (found.text === '') this.tally.empty++;
    doc.shown =
      found.text === ''
        ? undefined
        : { prefix, suffix, text: found.text, shape: found.shape, resultId: id, requestId: found.requestId, model };
    if (found.source !== 'cache') this.cache.set(key, { text: found.text, shape: found.shape, requestId: found.requestId });
    const result: CompletionResult = {
      id,
      text: found.text,
      source: found.source,
      model,
      requestId: found.requestId,
      timings: {
        totalMs: this.clock.monotonic() - calledAt,
        debounceMs: extra.debounceMs ?? 0,
        reuseWaitMs: extra.reuseWaitMs ?? 0,
        contextMs: extra.contextMs ?? 0,
        modelMs: extra.modelMs ?? 0,
        ttftMs: extra.ttftMs ?? null,
      },
    };
    if (extra.final) result.final = extra.final;
    if (extra.promptTokens !== undefined) result.promptTokens = extra.promptTokens;
    return result;
  }

  private unanswered(): undefined {
    this.tally.unanswered++;
    return undefined;
  }

  private documentState(documentKey: string): DocumentState {
    let doc = this.documents.get(documentKey);
    if (doc) {
      this.documents.delete(documentKey);
    } else {
      doc = {
        lastKeyAt: undefined,
        rhythm: new TypingRhythm(this.settings.debounce.pauseMs, undefined, this.settings.debounce.requestRateHigh),
        shown: undefined,
        request: undefined,
        requestsSent: 0,
        requestsCounted: 0,
      };
    }
    this.documents.set(documentKey, doc);
    while (this.documents.size > this.settings.maxDocuments) {
      const oldest = this.documents.keys().next().value;
      if (oldest === undefined) break;
      this.closeDocument(oldest);
    }
    return doc;
  }
}

interface AnswerBase {
  doc: DocumentState;
  prefix: string;
  suffix: string;
  key: string;
  model: string;
  calledAt: number;
}

/** Convenience constructor; see CompletionPipelineOptions. */
export function createCompletionPipeline(options: CompletionPipelineOptions): CompletionPipeline {
  return new CompletionPipeline(options);
}
