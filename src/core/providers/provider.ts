// The one interface every wire protocol implements, and the one error type they throw.
import type { Chunk, Message, ProviderKind } from '../types';

export interface ChatRequest {
  /** Provider's model id, e.g. `gpt-4.1-mini`, `claude-sonnet-4-6`, `qwen2.5-coder:1.5b-base`. */
  model: string;
  messages: Message[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
}

/**
 * Fill-in-the-middle. With `rawPrompt` the caller has applied the family's template and the
 * provider sends it verbatim (Ollama `raw: true`); otherwise prefix/suffix go natively.
 */
export interface FimRequest {
  model: string;
  prefix: string;
  suffix: string;
  rawPrompt?: string;
  stop?: string[];
  maxTokens?: number;
  temperature?: number;
}

export interface ModelProvider {
  readonly kind: ProviderKind;
  /** Yields text deltas in order, then exactly one `done`. Abort ends the stream with stopReason `aborted`, never a throw. */
  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<Chunk>;
  /** Same contract as streamChat, for fill-in-the-middle completion. */
  streamFim(request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk>;
}

export type ProviderErrorKind =
  'auth' | 'notFound' | 'rateLimit' | 'overloaded' | 'server' | 'network' | 'timeout' | 'contextTooLong' | 'badResponse';

/**
 * Whether the router may try the next candidate model after this kind of failure. Every kind is
 * about this provider or this model right now (its key, its queue, its window, its stream), so
 * another model may well succeed; the one case that must not fall back silently is a failure
 * after text was shown, which `ProviderError.afterOutput` tells apart.
 */
const RETRIABLE_ON_ANOTHER_MODEL: Record<ProviderErrorKind, boolean> = {
  auth: true, // another provider's key may work; the message tells the user how to fix this one
  notFound: true, // model not pulled / unknown id on this endpoint
  rateLimit: true,
  overloaded: true,
  server: true,
  network: true,
  timeout: true,
  contextTooLong: true, // a candidate with a larger window may fit the prompt
  badResponse: true, // malformed or cut-off stream, or a request this endpoint rejects
};

/** Whether this kind of failure lets another model be tried when nothing had been shown (buffered output). */
export function retriableKind(kind: ProviderErrorKind): boolean {
  return RETRIABLE_ON_ANOTHER_MODEL[kind];
}

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  provider: ProviderKind;
  model: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** True when text had already been delivered before the failure. */
  afterOutput?: boolean;
  /** An `auth` failure because the user has not let the key go to this endpoint: the fix is a key destination, not a key. */
  keyWithheld?: boolean;
  cause?: unknown;
}

/** Marks ProviderErrors across bundles: dist/providers.js (lazy-loaded SDKs) has its own copy of this class. */
const PROVIDER_ERROR_BRAND = Symbol.for('switchboard.ProviderError');

export class ProviderError extends Error {
  readonly [PROVIDER_ERROR_BRAND] = true;
  readonly kind: ProviderErrorKind;
  readonly provider: ProviderKind;
  readonly model: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** Text had already been delivered when this happened: falling back would repeat or contradict it. */
  readonly afterOutput: boolean;
  readonly keyWithheld: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.afterOutput = init.afterOutput ?? false;
    this.keyWithheld = init.keyWithheld ?? false;
  }

  /** Whether the router may try the next candidate: a retriable kind, and no text shown yet. */
  get retriable(): boolean {
    return RETRIABLE_ON_ANOTHER_MODEL[this.kind] && !this.afterOutput;
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError || (e instanceof Error && (e as unknown as Record<symbol, unknown>)[PROVIDER_ERROR_BRAND] === true);
}
