// One completion model request and its life: sending it, streaming the answer, waiting until that answer is settled for
// a keystroke, the grace an orphaned request keeps streaming, and the record when it ends.
import type { Clock, Logger } from '../ports';
import type { FimRequest } from '../providers/provider';
import type { Chunk, FinalRecord } from '../types';
import type { LruCache } from './cache';
import type { FetchCompletion, PipelineCounters, RequestRecord } from './pipeline';
import { firstSpecialToken, postprocessCompletion } from './postprocess';
import type { CompletionShape, CursorFacts } from './postprocess';
import type { TimerHandle, Timers } from './timers';

/** A settled answer, as the pipeline's cache keeps it. */
export interface CachedCompletion {
  text: string;
  shape: CompletionShape;
  requestId: number | null;
}

type Verdict = { text: string } | 'wait' | 'mismatch' | 'failed';
export type WaitOutcome = { text: string; decidedAt: number } | 'mismatch' | 'failed' | 'cancelled';

export class ModelRequest {
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

export interface ModelRequestsOptions {
  fetchCompletion: FetchCompletion;
  onRequestEnd: ((record: RequestRecord) => void) | undefined;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** The pipeline's counters; requests count here. */
  tally: PipelineCounters;
  /** A request that ends with a settled answer leaves it here. */
  cache: LruCache<CachedCompletion>;
  orphanGraceMs: number;
}

/** Sends and follows the pipeline's model requests; the pipeline decides when, and keeps one per document. */
export class ModelRequests {
  private readonly fetchCompletion: FetchCompletion;
  private readonly onRequestEnd: ((record: RequestRecord) => void) | undefined;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly tally: PipelineCounters;
  private readonly cache: LruCache<CachedCompletion>;
  private readonly orphanGraceMs: number;
  private nextRequestId = 1;

  constructor(options: ModelRequestsOptions) {
    this.fetchCompletion = options.fetchCompletion;
    this.onRequestEnd = options.onRequestEnd;
    this.clock = options.clock;
    this.timers = options.timers;
    this.logger = options.logger;
    this.tally = options.tally;
    this.cache = options.cache;
    this.orphanGraceMs = options.orphanGraceMs;
  }

  /** Sends `fimRequest` as the document's request (`mode` only names the prompt format in the log). */
  send(
    doc: { request: ModelRequest | undefined; requestsSent: number },
    fimRequest: FimRequest,
    prefix: string,
    suffix: string,
    facts: CursorFacts,
    key: string,
    promptTokens: number,
    mode: string,
  ): ModelRequest {
    const startedAt = this.clock.monotonic();
    const request = new ModelRequest(this.nextRequestId++, fimRequest.model, prefix, suffix, facts, key, startedAt, promptTokens);
    doc.request = request;
    doc.requestsSent++;
    this.tally.requests++;
    this.logger.debug(`completion request ${request.id} to ${fimRequest.model} (${mode}, ${facts.shape})`);
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

  /** Aborts a running request that has no answer yet (its caller is gone, or a newer one replaces it). */
  abort(request: ModelRequest): void {
    if (!request.running || request.controller.signal.aborted) return;
    request.cancelled = true;
    this.tally.requestsCancelled++;
    request.controller.abort();
    request.notify();
  }

  /** Waits until the request's answer, after the `extra` text typed since it was sent, is settled. */
  waitFor(request: ModelRequest, extra: string, facts: CursorFacts, signal: AbortSignal): Promise<WaitOutcome> {
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
      if (request.waiters === 0) this.abort(request);
    }, this.orphanGraceMs);
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

function isPromise(value: unknown): value is Promise<string> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

// eslint-disable-next-line require-yield
async function* failingStream(error: unknown): AsyncIterable<Chunk> {
  throw error;
}
