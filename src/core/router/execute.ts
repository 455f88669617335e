// Runs a decision: streams from the chosen model and, on a retriable failure before any text
// reached the caller, moves down the fallback chain, recording each hop. Once text has been
// shown a failure is surfaced, never retried (the answer would restart mid-sentence). A caller that
// shows nothing until the end (an edit) asks for buffered output: each model's text is held until its
// stream completes, so a failure mid-stream still moves on. Abort is silent: the stream ends with `aborted: true`.
import type { Clock } from '../ports';
import { systemClock } from '../ports';
import type { FinalRecord, Message, ModelRef, Usage } from '../types';
import { estimateTokens } from '../prompt/context';
import type { ModelProvider, ProviderErrorKind } from '../providers/provider';
import { ProviderError, isProviderError, retriableKind } from '../providers/provider';
import type { HealthRecorder } from './health';
import type { Decision } from './route';

/** The request without a model: runRouted fills in each candidate's provider model id. */
export type RoutedCall =
  | { kind: 'chat'; messages: Message[]; maxTokens?: number; temperature?: number; stop?: string[] }
  | { kind: 'fim'; prefix: string; suffix: string; rawPrompt?: string; stop?: string[]; maxTokens?: number; temperature?: number };

export type HopKind = ProviderErrorKind | 'coolingDown' | 'unavailable';

export interface Hop {
  /** Model id that failed. */
  from: string;
  /** Model id tried next; null when none was left. */
  to: string | null;
  kind: HopKind;
  /** The failure's own message (already free of secrets: providers redact). */
  message: string;
  /** For the UI: `claude-sonnet-5-5 overloaded → gpt-6.1-sol`. */
  text: string;
  retryAfterMs?: number;
  /** An `auth` hop because the user has not let the key go to that endpoint (not a missing or rejected key). */
  keyWithheld?: true;
}

/**
 * What a request had cost when it ended without the provider's final usage report (stopped, or failed
 * after text came): the ledger prices it as an estimate, since the tokens were sent and streamed all the same.
 */
export interface PartialSpend {
  /** Usage the provider reported before the end (Anthropic's message_start carries the input tokens); null when none came. */
  reported: Usage | null;
  /** Output tokens counted from the text the model streamed (shown or held) before the end. */
  outputTokens: number;
}

export interface RunResult {
  /** The model that answered (on abort: the one that was streaming). */
  model: ModelRef;
  /** The provider's final record; null when aborted before one arrived. */
  final: FinalRecord | null;
  /** On abort once the request was sent: what was spent so far (absent when nothing had been sent). */
  partial?: PartialSpend;
  hops: Hop[];
  aborted: boolean;
  /** Milliseconds from the call to the answer's first text, across hops (buffered: the answering model's); null if none. */
  ttftMs: number | null;
  totalMs: number;
}

export type RoutedChunk =
  | { type: 'text'; text: string }
  /** Buffered output only: text the current model streamed, held back until its stream completes (for progress). */
  | { type: 'held'; text: string }
  | { type: 'hop'; hop: Hop }
  | { type: 'done'; result: RunResult };

/** Every candidate failed, or a failure came after output had started. */
export class RoutedRunError extends Error {
  readonly hops: Hop[];
  readonly outputStarted: boolean;
  /** The model whose failure ended the run (null when no candidate could even be tried). */
  readonly model: ModelRef | null;
  readonly kind: HopKind | 'noCandidate' | 'internal';
  /** The failing model had streamed text before it failed: what that had cost (absent when nothing came). */
  readonly partial?: PartialSpend;

  constructor(init: {
    message: string;
    hops: Hop[];
    outputStarted: boolean;
    model: ModelRef | null;
    kind: RoutedRunError['kind'];
    cause?: unknown;
    partial?: PartialSpend;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'RoutedRunError';
    this.hops = init.hops;
    this.outputStarted = init.outputStarted;
    this.model = init.model;
    this.kind = init.kind;
    if (init.partial) this.partial = init.partial;
  }
}

export interface RunHooks {
  health?: HealthRecorder;
  /** Called as each hop happens (also yielded as a `hop` chunk). */
  onHop?(hop: Hop): void;
  clock?: Pick<Clock, 'monotonic'>;
  /**
   * 'live' (the default): text goes to the caller as it streams, and a failure after it is surfaced.
   * 'buffered': the caller shows nothing until the run is done, so text is yielded only once a model's
   * stream completed, and a retriable failure mid-stream moves to the next model like one before it.
   */
  output?: 'live' | 'buffered';
}

export function runRouted(
  decision: Pick<Decision, 'chosen' | 'fallbacks' | 'task' | 'explanation'>,
  providerFor: (model: ModelRef) => ModelProvider | undefined,
  request: RoutedCall | ((model: ModelRef) => RoutedCall),
  signal: AbortSignal,
  hooks: RunHooks = {},
): AsyncGenerator<RoutedChunk, void, undefined> {
  return run(decision, providerFor, request, signal, hooks);
}

async function* run(
  decision: Pick<Decision, 'chosen' | 'fallbacks' | 'task' | 'explanation'>,
  providerFor: (model: ModelRef) => ModelProvider | undefined,
  request: RoutedCall | ((model: ModelRef) => RoutedCall),
  signal: AbortSignal,
  hooks: RunHooks,
): AsyncGenerator<RoutedChunk, void, undefined> {
  const clock = hooks.clock ?? systemClock;
  const buffered = hooks.output === 'buffered';
  const startedAt = clock.monotonic();
  const chain = decision.chosen === null ? [] : [decision.chosen, ...decision.fallbacks];
  if (chain.length === 0) {
    throw new RoutedRunError({ message: decision.explanation, hops: [], outputStarted: false, model: null, kind: 'noCandidate' });
  }
  const hops: Hop[] = [];
  let firstTextAt: number | null = null;
  const result = (model: ModelRef, final: FinalRecord | null, aborted: boolean, partial?: PartialSpend): RoutedChunk => ({
    type: 'done',
    result: {
      model,
      final,
      ...(partial && { partial }),
      hops,
      aborted,
      ttftMs: firstTextAt === null ? null : firstTextAt - startedAt,
      totalMs: clock.monotonic() - startedAt,
    },
  });

  for (let i = 0; i < chain.length; i++) {
    const model = chain[i];
    const next = chain[i + 1] ?? null;
    if (signal.aborted) {
      yield result(model, null, true);
      return;
    }
    if (hooks.health && !hooks.health.beginAttempt(model.id)) {
      yield hop(hops, hooks, model, next, 'coolingDown', `${model.id} is cooling down after recent failures`);
      continue;
    }
    let provider: ModelProvider | undefined;
    try {
      provider = providerFor(model);
    } catch (e) {
      if (!isProviderError(e)) throw e;
      hooks.health?.recordFailure(model.id, e);
      if (!e.retriable) throw failure(e, hops, false, model);
      yield hop(hops, hooks, model, next, e.kind, e.message, e.retryAfterMs, false, e.keyWithheld);
      continue;
    }
    if (provider === undefined) {
      hooks.health?.recordAbandoned(model.id);
      yield hop(hops, hooks, model, next, 'unavailable', `no ${model.provider} provider is available for ${model.id}`);
      continue;
    }

    const call = typeof request === 'function' ? request(model) : request;
    let outputStarted = false;
    // Buffered output: this model's text so far, and when its first text came.
    let held = '';
    let heldFirstAt: number | null = null;
    const release = function* (): Generator<RoutedChunk> {
      if (held.length === 0) return;
      outputStarted = true;
      firstTextAt ??= heldFirstAt;
      const text = held;
      held = '';
      yield { type: 'text', text };
    };
    let settled = false;
    let final: FinalRecord | null = null;
    // What this model was sent and streamed, for the cost of a stop or a failure after text came.
    let sent = false;
    const streamed: string[] = [];
    const spent = (): PartialSpend => ({
      reported: final?.usage ?? null,
      outputTokens: estimateTokens(streamed.join('')),
    });
    try {
      sent = !signal.aborted;
      const stream =
        call.kind === 'chat'
          ? provider.streamChat(
              { model: model.model, messages: call.messages, maxTokens: call.maxTokens, temperature: call.temperature, stop: call.stop },
              signal,
            )
          : provider.streamFim(
              {
                model: model.model,
                prefix: call.prefix,
                suffix: call.suffix,
                rawPrompt: call.rawPrompt,
                stop: call.stop,
                maxTokens: call.maxTokens,
                temperature: call.temperature,
              },
              signal,
            );
      for await (const chunk of stream) {
        if (chunk.type === 'text') {
          if (chunk.text.length === 0) continue;
          streamed.push(chunk.text);
          if (buffered) {
            heldFirstAt ??= clock.monotonic();
            held += chunk.text;
            yield { type: 'held', text: chunk.text };
            continue;
          }
          if (!outputStarted) {
            outputStarted = true;
            firstTextAt ??= clock.monotonic();
          }
          yield chunk;
        } else if (chunk.type === 'done') {
          final = chunk.final;
        }
      }
      if (signal.aborted || final?.stopReason === 'aborted') {
        settled = true;
        hooks.health?.recordAbandoned(model.id);
        yield* release();
        yield result(model, final, true, sent ? spent() : undefined);
        return;
      }
      if (final === null) {
        throw new ProviderError({
          kind: 'badResponse',
          provider: model.provider,
          model: model.model,
          message: `${model.id}'s stream ended without a final record`,
        });
      }
      settled = true;
      hooks.health?.recordSuccess(model.id, decision.task, { ttftMs: final.ttftMs, totalMs: final.totalMs });
      yield* release();
      yield result(model, final, false);
      return;
    } catch (e) {
      if (settled) throw e;
      settled = true;
      if (signal.aborted) {
        hooks.health?.recordAbandoned(model.id);
        yield* release();
        yield result(model, final, true, sent ? spent() : undefined);
        return;
      }
      // Text had come before the failure: the request was sent and answered in part, so it cost something.
      const partial = streamed.length > 0 ? spent() : undefined;
      if (!isProviderError(e)) {
        hooks.health?.recordAbandoned(model.id);
        throw new RoutedRunError({
          message: `${model.id} failed unexpectedly: ${errorMessage(e)}`,
          hops,
          outputStarted,
          model,
          kind: 'internal',
          cause: e,
          ...(partial && { partial }),
        });
      }
      hooks.health?.recordFailure(model.id, e);
      // Held text was never shown: only the kind decides, and the partial answer is dropped.
      const retriable = buffered ? retriableKind(e.kind) : e.retriable;
      if (outputStarted || !retriable) throw failure(e, hops, outputStarted, model, partial);
      yield hop(hops, hooks, model, next, e.kind, e.message, e.retryAfterMs, e.afterOutput, e.keyWithheld);
    } finally {
      // The consumer stopped reading mid-stream: neither a success nor a failure.
      if (!settled) hooks.health?.recordAbandoned(model.id);
    }
  }
  const last = hops[hops.length - 1];
  throw new RoutedRunError({
    message: `every model failed: ${hops.map((h) => h.text).join('; ')}`,
    hops,
    outputStarted: false,
    model: chain[chain.length - 1],
    kind: last?.kind ?? 'noCandidate',
  });
}

function hop(
  hops: Hop[],
  hooks: RunHooks,
  from: ModelRef,
  to: ModelRef | null,
  kind: HopKind,
  message: string,
  retryAfterMs?: number,
  midStream = false,
  keyWithheld = false,
): RoutedChunk {
  // A network failure once the stream had started is a dropped connection, not an unreachable server.
  const phrase = kind === 'network' && midStream ? 'connection lost' : hopPhrase(kind);
  const h: Hop = {
    from: from.id,
    to: to?.id ?? null,
    kind,
    message,
    text: `${from.id} ${phrase} → ${to?.id ?? 'no fallback left'}`,
  };
  if (retryAfterMs !== undefined) h.retryAfterMs = retryAfterMs;
  if (keyWithheld) h.keyWithheld = true;
  hops.push(h);
  hooks.onHop?.(h);
  return { type: 'hop', hop: h };
}

function failure(e: ProviderError, hops: Hop[], outputStarted: boolean, model: ModelRef, partial?: PartialSpend): RoutedRunError {
  const where = outputStarted ? ' after the answer had started' : '';
  const tried = hops.length > 0 ? ` (after ${hops.map((h) => h.text).join('; ')})` : '';
  return new RoutedRunError({
    message: `${model.id} ${hopPhrase(e.kind)}${where}: ${e.message}${tried}`,
    hops,
    outputStarted,
    model,
    kind: e.kind,
    cause: e,
    ...(partial && { partial }),
  });
}

export function hopPhrase(kind: HopKind): string {
  switch (kind) {
    case 'rateLimit':
      return 'rate-limited';
    case 'overloaded':
      return 'overloaded';
    case 'server':
      return 'server error';
    case 'network':
      return 'unreachable';
    case 'timeout':
      return 'timed out';
    case 'auth':
      return 'rejected the API key';
    case 'notFound':
      return 'model not found';
    case 'contextTooLong':
      return 'prompt too long';
    case 'badResponse':
      return 'sent a malformed response';
    case 'coolingDown':
      return 'cooling down';
    case 'unavailable':
      return 'not available';
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
