// The inline-completion request pipeline. Per keystroke, in order: answer from the suggestion the
// user is typing along; answer from the cache; reuse the request already streaming (or just
// finished) when the typed text matches its answer; otherwise wait an adaptive debounce (shorter
// while the document's requests are cheap) and send a new request, aborting the document's older
// one. Everything slow is injected: the model call, the clock and the timers.
import type { Clock, Logger } from '../ports';
import { silentLogger } from '../ports';
import type { FimRequest } from '../providers/provider';
import type { Chunk, FinalRecord } from '../types';
import { completionCacheKey, LruCache } from './cache';
import { DEFAULT_CONTEXT_BUDGET, gatherContext, SnippetRetriever } from './context';
import type { CompletionContext, ContextBudget, RecentFile } from './context';
import { debounceDelay, DEFAULT_DEBOUNCE, TypingRhythm } from './debounce';
import type { DebounceSettings } from './debounce';
import type { FimPlan } from './family';
import { buildFimPrompt, FIM_TEMPLATES, snippetCommentHeader, tokensToStrip } from './fimTemplates';
import { DEFAULT_MAX_LINES, describeCursor, firstSpecialToken, postprocessCompletion } from './postprocess';
import type { CompletionShape, CursorFacts } from './postprocess';
import { sleep } from './timers';
import type { TimerHandle, Timers } from './timers';

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

export interface CompletionSettings {
  maxTokensSingleLine: number;
  maxTokensMultiLine: number;
  temperature: number;
  /** Line cap of a multi-line suggestion. */
  maxLines: number;
  contextBudget: ContextBudget;
  /** Time allowed for gathering context (snippet search stops there). */
  contextTimeMs: number;
  cacheEntries: number;
  debounce: DebounceSettings;
  /**
   * How long a request whose caller was cancelled keeps streaming, so the next keystroke can adopt it
   * (VS Code cancels the previous call on every keystroke, before asking again).
   */
  orphanGraceMs: number;
  /** Documents whose state is kept (least recently used dropped first). */
  maxDocuments: number;
  repoName?: string;
}

export const DEFAULT_COMPLETION_SETTINGS: Readonly<CompletionSettings> = Object.freeze({
  maxTokensSingleLine: 64,
  maxTokensMultiLine: 256,
  temperature: 0.1,
  maxLines: DEFAULT_MAX_LINES,
  contextBudget: DEFAULT_CONTEXT_BUDGET,
  contextTimeMs: 8,
  cacheEntries: 500,
  debounce: DEFAULT_DEBOUNCE,
  orphanGraceMs: 150,
  maxDocuments: 50,
});

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

interface Shown {
  prefix: string;
  suffix: string;
  text: string;
  shape: CompletionShape;
  resultId: number;
  requestId: number | null;
  model: string;
}

interface CachedCompletion {
  text: string;
  shape: CompletionShape;
  requestId: number | null;
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

type Verdict = { text: string } | 'wait' | 'mismatch' | 'failed';
type WaitOutcome = { text: string; decidedAt: number } | 'mismatch' | 'failed' | 'cancelled';

class ModelRequest {
  readonly controller = new AbortController();
  raw = '';
  running = true;
  /** The model ended the answer itself. */
  modelFinished = false;
  stoppedEarly = false;
  cancelled = false;
  error: unknown = undefined;
  final: FinalRecord | undefined;
  firstTextAt: number | undefined;
  waiters = 0;
  orphanTimer: TimerHandle | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly id: number,
    readonly model: string,
    readonly prefix: string,
    readonly suffix: string,
    readonly facts: CursorFacts,
    readonly cacheKey: string,
    readonly startedAt: number,
    readonly promptTokens: number,
  ) {}

  onProgress(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The answer up to its first special token, and whether the answer is known to end there. */
  answer(): { text: string; ended: boolean } {
    const tokenAt = firstSpecialToken(this.raw, this.facts.specialTokens);
    if (tokenAt !== -1) return { text: this.raw.slice(0, tokenAt), ended: true };
    return { text: this.raw, ended: !this.running && this.modelFinished };
  }
}

async function* textAsChunks(text: Promise<string>, model: string, startedAt: number, clock: Clock): AsyncIterable<Chunk> {
  const whole = await text;
  const totalMs = clock.monotonic() - startedAt;
  if (whole) yield { type: 'text', text: whole };
  yield {
    type: 'done',
    final: {
      model,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      ttftMs: whole ? totalMs : null,
      totalMs,
      stopReason: 'stop',
    },
  };
}

export class CompletionPipeline {
  private plan: FimPlan;
  private readonly settings: CompletionSettings;
  private readonly fetchCompletion: FetchCompletion;
  private readonly onRequestEnd: ((record: RequestRecord) => void) | undefined;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly cache: LruCache<CachedCompletion>;
  private readonly documents = new Map<string, DocumentState>();
  private readonly retriever = new SnippetRetriever();
  private specialTokens: readonly string[];
  private nextResultId = 1;
  private nextRequestId = 1;
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
    this.fetchCompletion = options.fetchCompletion;
    this.onRequestEnd = options.onRequestEnd;
    this.clock = options.clock;
    this.timers = options.timers;
    this.logger = options.logger ?? silentLogger;
    this.cache = new LruCache(this.settings.cacheEntries);
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

    const along = this.typingAlong(doc, prefix, suffix, input.languageId);
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
    const firstCandidate = this.reusable(doc, prefix, suffix);
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

    const laterCandidate = this.reusable(doc, prefix, suffix);
    if (laterCandidate && laterCandidate.request !== firstCandidate?.request) {
      const waitStart = this.clock.monotonic();
      const outcome = await this.reuse(base, laterCandidate, facts, signal, debounceMs, reuseWaitMs);
      if (outcome !== 'mismatch') return outcome;
      reuseWaitMs += this.clock.monotonic() - waitStart;
    }
    if (signal.aborted) return this.unanswered();

    // At most one request per document: the new one replaces whatever is still streaming.
    if (doc.request?.running) this.abortRequest(doc.request);

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
    const fimRequest = this.fimRequestFor(context, facts.shape);
    const contextMs = this.clock.monotonic() - contextStart;

    const promptTokens = context.tokens.prefix + context.tokens.suffix + context.tokens.snippets;
    const request = this.send(doc, fimRequest, prefix, suffix, facts, key, promptTokens);
    const outcome = await this.waitFor(request, '', facts, signal);
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
    if (doc.request?.running) this.abortRequest(doc.request);
    this.documents.delete(documentKey);
  }

  dispose(): void {
    for (const key of [...this.documents.keys()]) this.closeDocument(key);
    this.cache.clear();
  }

  // ---- steps ----

  private typingAlong(
    doc: DocumentState,
    prefix: string,
    suffix: string,
    languageId: string,
  ): { text: string; shape: CompletionShape; requestId: number | null } | undefined {
    const shown = doc.shown;
    if (!shown || shown.model !== this.plan.model) return undefined;
    if (prefix.length < shown.prefix.length || !prefix.startsWith(shown.prefix)) return undefined;
    const typed = prefix.slice(shown.prefix.length);
    if (typed.length >= shown.text.length || !shown.text.startsWith(typed)) return undefined;
    let text = shown.text.slice(typed.length);
    if (suffix !== shown.suffix) {
      if (!suffix.endsWith(shown.suffix)) return undefined;
      // Text appeared right of the cursor (an auto-closed bracket or quote): the rules must see it.
      const facts = describeCursor(prefix, suffix, {
        languageId,
        specialTokens: this.specialTokens,
        maxLines: this.settings.maxLines,
        shape: shown.shape,
      });
      text = postprocessCompletion(text, facts, true).text;
      if (text === '') return undefined;
    }
    return { text, shape: shown.shape, requestId: shown.requestId };
  }

  /** The document's latest request when the text typed since it started agrees with its answer so far. */
  private reusable(doc: DocumentState, prefix: string, suffix: string): { request: ModelRequest; extra: string } | undefined {
    const request = doc.request;
    if (!request || request.model !== this.plan.model || request.error !== undefined) return undefined;
    if (!request.running && !request.modelFinished && !request.stoppedEarly) return undefined;
    if (prefix.length < request.prefix.length || !prefix.startsWith(request.prefix)) return undefined;
    if (suffix !== request.suffix && !suffix.endsWith(request.suffix)) return undefined;
    const extra = prefix.slice(request.prefix.length);
    const { text } = request.answer();
    const agrees = text.length >= extra.length ? text.startsWith(extra) : request.running && extra.startsWith(text);
    return agrees ? { request, extra } : undefined;
  }

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
    const outcome = await this.waitFor(request, extra, facts, signal);
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

  private fimRequestFor(context: CompletionContext, shape: CompletionShape): FimRequest {
    const plan = this.plan;
    const template = plan.family ? FIM_TEMPLATES[plan.family] : undefined;
    const common = {
      model: plan.model,
      maxTokens: shape === 'multiLine' ? this.settings.maxTokensMultiLine : this.settings.maxTokensSingleLine,
      temperature: this.settings.temperature,
      ...(template ? { stop: [...template.stop] } : {}),
    };
    const parts = {
      prefix: context.prefix,
      suffix: context.suffix,
      filePath: context.filePath,
      languageId: context.languageId,
      snippets: context.snippets,
      repoName: this.settings.repoName,
    };
    if (plan.mode === 'raw' && plan.family) {
      return { ...common, prefix: context.prefix, suffix: context.suffix, rawPrompt: buildFimPrompt(plan.family, parts) };
    }
    const header = snippetCommentHeader(parts);
    if (plan.mode === 'native') return { ...common, prefix: header + context.prefix, suffix: context.suffix };
    return { ...common, prefix: context.prefix, suffix: '', rawPrompt: header + context.prefix };
  }

  private send(
    doc: DocumentState,
    fimRequest: FimRequest,
    prefix: string,
    suffix: string,
    facts: CursorFacts,
    key: string,
    promptTokens: number,
  ): ModelRequest {
    const startedAt = this.clock.monotonic();
    const request = new ModelRequest(this.nextRequestId++, fimRequest.model, prefix, suffix, facts, key, startedAt, promptTokens);
    doc.request = request;
    doc.requestsSent++;
    this.tally.requests++;
    this.logger.debug(`completion request ${request.id} to ${fimRequest.model} (${this.plan.mode}, ${facts.shape})`);
    let stream: AsyncIterable<Chunk>;
    try {
      const sent = this.fetchCompletion(fimRequest, request.controller.signal);
      stream = isPromise(sent) ? textAsChunks(sent, fimRequest.model, startedAt, this.clock) : sent;
    } catch (error) {
      stream = failingStream(error);
    }
    void this.consume(request, stream);
    return request;
  }

  private async consume(request: ModelRequest, stream: AsyncIterable<Chunk>): Promise<void> {
    try {
      for await (const chunk of stream) {
        if (chunk.type === 'done') {
          request.final = chunk.final;
          request.modelFinished = chunk.final.stopReason !== 'aborted';
          continue;
        }
        if (request.controller.signal.aborted) break;
        request.firstTextAt ??= this.clock.monotonic();
        request.raw += chunk.text;
        if (postprocessCompletion(request.raw, request.facts, false).complete) {
          // The answer is settled: hand it out before tearing the stream down, then free the model.
          request.stoppedEarly = true;
          this.tally.requestsStoppedEarly++;
          request.notify();
          request.controller.abort();
          break;
        }
        request.notify();
      }
    } catch (error) {
      if (!request.controller.signal.aborted) request.error = error;
    }
    request.running = false;
    if (request.orphanTimer !== undefined) this.timers.clearTimeout(request.orphanTimer);
    if (request.error !== undefined) {
      this.tally.requestsFailed++;
      this.logger.warn(
        `completion request ${request.id} failed: ${request.error instanceof Error ? request.error.message : String(request.error)}`,
      );
    } else if (request.stoppedEarly || request.modelFinished) {
      const { text, ended } = request.answer();
      const settled = postprocessCompletion(text, request.facts, ended);
      this.cache.set(request.cacheKey, { text: settled.text, shape: request.facts.shape, requestId: request.id });
    }
    request.notify();
    this.report(request);
  }

  private report(request: ModelRequest): void {
    if (!this.onRequestEnd) return;
    const record: RequestRecord = {
      requestId: request.id,
      model: request.model,
      outcome:
        request.error !== undefined ? 'failed' : request.stoppedEarly ? 'stoppedEarly' : request.modelFinished ? 'completed' : 'cancelled',
      ttftMs: request.firstTextAt === undefined ? null : request.firstTextAt - request.startedAt,
      totalMs: this.clock.monotonic() - request.startedAt,
      promptTokens: request.promptTokens,
      outputChars: request.raw.length,
    };
    if (request.final) record.final = request.final;
    if (request.error !== undefined) record.error = request.error;
    try {
      this.onRequestEnd(record);
    } catch (error) {
      this.logger.error(`completion: recording request ${request.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private abortRequest(request: ModelRequest): void {
    if (!request.running || request.controller.signal.aborted) return;
    request.cancelled = true;
    this.tally.requestsCancelled++;
    request.controller.abort();
    request.notify();
  }

  /** Waits until the request's answer, after the `extra` text typed since it was sent, is settled. */
  private waitFor(request: ModelRequest, extra: string, facts: CursorFacts, signal: AbortSignal): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: WaitOutcome) => {
        if (settled) return;
        settled = true;
        stopListening();
        signal.removeEventListener('abort', onAbort);
        request.waiters--;
        if (typeof outcome === 'string' && outcome !== 'failed' && request.waiters === 0 && request.running) this.orphan(request);
        resolve(outcome);
      };
      const check = () => {
        const verdict = this.judge(request, extra, facts);
        if (verdict !== 'wait') finish(typeof verdict === 'string' ? verdict : { text: verdict.text, decidedAt: this.clock.monotonic() });
      };
      const onAbort = () => finish('cancelled');
      request.waiters++;
      if (request.orphanTimer !== undefined) {
        this.timers.clearTimeout(request.orphanTimer);
        request.orphanTimer = undefined;
      }
      const stopListening = request.onProgress(check);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  private judge(request: ModelRequest, extra: string, facts: CursorFacts): Verdict {
    const { text, ended } = request.answer();
    if (text.length < extra.length) {
      if (!extra.startsWith(text) || ended || !request.running) return request.error !== undefined ? 'failed' : 'mismatch';
      return 'wait';
    }
    if (!text.startsWith(extra)) return 'mismatch';
    const answer = postprocessCompletion(text.slice(extra.length), facts, ended);
    if (answer.complete || ended) return { text: answer.text };
    if (request.running) return 'wait';
    if (request.error !== undefined) return 'failed';
    // Cut short (stopped early for the request's own cursor): what is there still reads as a suggestion.
    if (request.stoppedEarly && answer.text !== '') return { text: answer.text };
    return 'mismatch';
  }

  /** The caller is gone; keep streaming briefly in case the next keystroke adopts this request. */
  private orphan(request: ModelRequest): void {
    if (request.orphanTimer !== undefined) this.timers.clearTimeout(request.orphanTimer);
    request.orphanTimer = this.timers.setTimeout(() => {
      request.orphanTimer = undefined;
      if (request.waiters === 0) this.abortRequest(request);
    }, this.settings.orphanGraceMs);
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

function isPromise(value: unknown): value is Promise<string> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

// eslint-disable-next-line require-yield
async function* failingStream(error: unknown): AsyncIterable<Chunk> {
  throw error;
}

/** Convenience constructor; see CompletionPipelineOptions. */
export function createCompletionPipeline(options: CompletionPipelineOptions): CompletionPipeline {
  return new CompletionPipeline(options);
}
