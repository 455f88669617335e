// Turns what a wire protocol reports (HTTP status, error body, socket failure) into one ProviderError
// whose message tells the user what to do. Shared by the three protocol files.
import type { ProviderKind } from '../types';
import { ProviderError } from './provider';
import type { ProviderErrorKind } from './provider';

/** What every error message needs to know about the call that failed. */
export interface CallContext {
  provider: ProviderKind;
  model: string;
  baseUrl: string;
  /** The key sent with this call, so it can be scrubbed from anything the server echoes back. */
  apiKey?: string;
}

export const SET_API_KEY_COMMAND = '"Switchboard: Set API Key"';

export function providerLabel(provider: ProviderKind, baseUrl: string): string {
  switch (provider) {
    case 'ollama':
      return 'Ollama';
    case 'openai':
      return 'OpenAI';
    case 'anthropic':
      return 'Anthropic';
    case 'openai-compatible':
      return `the OpenAI-compatible server at ${baseUrl}`;
  }
}

/** The label with its URL, without saying the URL twice for an OpenAI-compatible server. */
function labelAt(provider: ProviderKind, baseUrl: string): string {
  return provider === 'openai-compatible' ? providerLabel(provider, baseUrl) : `${providerLabel(provider, baseUrl)} at ${baseUrl}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const KEY_LIKE = /\b(?:sk|pk|rk|key)-[A-Za-z0-9_\-*]{6,}/g;
const BEARER = /\b(Bearer)\s+[^\s"',]+/gi;
const MAX_SERVER_MESSAGE = 300;

/** Removes the call's key and anything key-shaped from text a server sent (some echo the key back). */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
  out = out.replace(KEY_LIKE, '[redacted]').replace(BEARER, '$1 [redacted]');
  return out.length > MAX_SERVER_MESSAGE ? `${out.slice(0, MAX_SERVER_MESSAGE)}…` : out;
}

/** `retry-after-ms` (milliseconds) wins over `retry-after` (seconds or an HTTP date). */
export function parseRetryAfterMs(headers: Headers | undefined | null, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(after);
  if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  return undefined;
}

const CONTEXT_TOO_LONG =
  /context[ _-]?length|context window|maximum context|prompt is too long|too many tokens|exceeds? (?:the )?(?:model'?s? )?(?:context|maximum)|input length/i;

/** Whether a 4xx body is the provider's "prompt does not fit" error. */
export function looksLikeContextTooLong(message: string, code?: string | null): boolean {
  return code === 'context_length_exceeded' || code === 'request_too_large' || CONTEXT_TOO_LONG.test(message);
}

function make(
  ctx: CallContext,
  kind: ProviderErrorKind,
  message: string,
  extra: { status?: number; retryAfterMs?: number; afterOutput?: boolean; cause?: unknown } = {},
): ProviderError {
  return new ProviderError({ kind, provider: ctx.provider, model: ctx.model, message, ...extra });
}

export interface HttpFailure {
  status: number;
  /** The provider's own error message, if its body had one. */
  serverMessage?: string;
  /** The provider's machine-readable error code or type, if any. */
  serverCode?: string | null;
  headers?: Headers | null;
  cause?: unknown;
  /** Shown instead of the status number, for errors that arrived inside a 200 stream. */
  shownAs?: string;
}

/** Maps a non-2xx HTTP answer to its typed error. */
export function errorFromHttpStatus(ctx: CallContext, failure: HttpFailure, nowMs: number): ProviderError {
  const status = failure.shownAs === undefined ? failure.status : undefined;
  const code = failure.shownAs ?? String(failure.status);
  const label = providerLabel(ctx.provider, ctx.baseUrl);
  const said = failure.serverMessage ? `: ${redactSecrets(failure.serverMessage, ctx.apiKey)}` : '';
  const extra = { status, cause: failure.cause };
  if (failure.status === 401) {
    return make(
      ctx,
      'auth',
      `${capitalised(label)} rejected the API key (${code}${said}). Set a valid key with ${SET_API_KEY_COMMAND}.`,
      extra,
    );
  }
  if (failure.status === 403) {
    return make(
      ctx,
      'auth',
      `${capitalised(label)} refused access to ${ctx.model} (${code}${said}). Check what the key may use, or set another key with ${SET_API_KEY_COMMAND}.`,
      extra,
    );
  }
  if (failure.status === 404) {
    const message =
      ctx.provider === 'ollama'
        ? `Ollama at ${ctx.baseUrl} has no model "${ctx.model}" — run \`ollama pull ${ctx.model}\`.`
        : `${capitalised(label)} does not know the model "${ctx.model}" (${code}${said}). Check the model id in Switchboard's model settings.`;
    return make(ctx, 'notFound', message, extra);
  }
  if (failure.status === 429) {
    const retryAfterMs = parseRetryAfterMs(failure.headers, nowMs);
    const wait = retryAfterMs === undefined ? '' : `; it asks to wait ${formatSeconds(retryAfterMs)}`;
    return make(ctx, 'rateLimit', `${capitalised(label)} is rate-limiting requests for ${ctx.model} (${code}${said})${wait}.`, {
      ...extra,
      retryAfterMs,
    });
  }
  if (failure.status === 503 || failure.status === 529) {
    const retryAfterMs = parseRetryAfterMs(failure.headers, nowMs);
    return make(ctx, 'overloaded', `${capitalised(label)} is overloaded (${code}${said}); try again shortly.`, {
      ...extra,
      retryAfterMs,
    });
  }
  if (failure.status === 408) {
    return make(ctx, 'timeout', `${capitalised(label)} timed out handling the request (${code}${said}).`, extra);
  }
  if (
    failure.status === 413 ||
    ((failure.status === 400 || failure.status === 422) && looksLikeContextTooLong(failure.serverMessage ?? '', failure.serverCode))
  ) {
    return make(
      ctx,
      'contextTooLong',
      `The prompt does not fit ${ctx.model}'s context window (${code}${said}). Send less context or pick a model with a larger window.`,
      extra,
    );
  }
  if (failure.status >= 500) {
    return make(ctx, 'server', `${capitalised(label)} failed with a server error (${code}${said}).`, extra);
  }
  return make(ctx, 'badResponse', `${capitalised(label)} rejected the request for ${ctx.model} (${code}${said}).`, extra);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const LOOKUP_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** The first errno-style code found along an error's cause chain (undici nests them). */
export function socketErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(?:E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether an error is a transport failure (refused, reset, DNS, undici "fetch failed"/"terminated"). */
export function isTransportFailure(error: unknown): boolean {
  const code = socketErrorCode(error);
  if (code && (CONNECT_FAILURES.has(code) || LOOKUP_FAILURES.has(code) || TIMEOUT_CODES.has(code) || SOCKET_CODES.has(code))) {
    return true;
  }
  return error instanceof TypeError && /fetch failed|terminated|network|socket/i.test(error.message);
}

/** A transport failure as the user should read it. */
export function errorFromTransport(ctx: CallContext, error: unknown, afterOutput: boolean): ProviderError {
  const code = socketErrorCode(error);
  const label = providerLabel(ctx.provider, ctx.baseUrl);
  const extra = { afterOutput, cause: error };
  if (code && TIMEOUT_CODES.has(code)) {
    return make(ctx, 'timeout', `Timed out talking to ${labelAt(ctx.provider, ctx.baseUrl)} (${code}).`, extra);
  }
  if (!afterOutput && code && CONNECT_FAILURES.has(code)) {
    if (ctx.provider === 'ollama') {
      return make(ctx, 'network', `Ollama is not running at ${ctx.baseUrl} — start it with \`ollama serve\`.`, extra);
    }
    if (ctx.provider === 'openai-compatible') {
      return make(
        ctx,
        'network',
        `Nothing is listening at ${ctx.baseUrl} (${code}) — start the OpenAI-compatible server or fix its base URL in Switchboard's model settings.`,
        extra,
      );
    }
    return make(
      ctx,
      'network',
      `Cannot connect to ${labelAt(ctx.provider, ctx.baseUrl)} (${code}) — check your network, proxy or the base URL.`,
      extra,
    );
  }
  if (!afterOutput && code && LOOKUP_FAILURES.has(code)) {
    return make(
      ctx,
      'network',
      `Cannot resolve the host of ${ctx.baseUrl} (${code}) — check your internet connection or the base URL.`,
      extra,
    );
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return make(
    ctx,
    'network',
    afterOutput
      ? `The connection to ${label} was lost mid-answer (${detail}); the answer is incomplete.`
      : `The connection to ${labelAt(ctx.provider, ctx.baseUrl)} failed (${detail}).`,
    extra,
  );
}

/** The stream was not what the protocol promises (bad JSON, or it ended before the answer did). */
export function badStreamError(ctx: CallContext, detail: string, afterOutput: boolean, cause?: unknown): ProviderError {
  return make(
    ctx,
    'badResponse',
    `${capitalised(providerLabel(ctx.provider, ctx.baseUrl))} sent a broken stream for ${ctx.model}: ${detail}.`,
    {
      afterOutput,
      cause,
    },
  );
}

export function missingKeyError(ctx: CallContext): ProviderError {
  const label = providerLabel(ctx.provider, ctx.baseUrl);
  return make(ctx, 'auth', `No API key is set for ${label}. Run ${SET_API_KEY_COMMAND} and choose ${label}.`);
}

export function timeoutError(ctx: CallContext, phase: 'firstByte' | 'idle', limitMs: number, afterOutput: boolean): ProviderError {
  const label = capitalised(providerLabel(ctx.provider, ctx.baseUrl));
  const message =
    phase === 'firstByte'
      ? `${label} sent nothing for ${formatSeconds(limitMs)} after the request for ${ctx.model} (first-byte timeout).`
      : `${label} stalled mid-answer: nothing for ${formatSeconds(limitMs)} from ${ctx.model} (idle timeout)${afterOutput ? '; the answer is incomplete' : ''}.`;
  return make(ctx, 'timeout', message, { afterOutput });
}

/** Maps a provider's in-stream error type (sent after a 200) to the kind an HTTP status would give. */
export function errorFromStreamErrorType(
  ctx: CallContext,
  type: string | undefined,
  serverMessage: string | undefined,
  afterOutput: boolean,
  cause?: unknown,
): ProviderError {
  const mapped = errorFromHttpStatus(
    ctx,
    { status: streamErrorStatus(type, serverMessage), serverMessage, cause, shownAs: type ?? 'error event' },
    Date.now(),
  );
  return new ProviderError({
    kind: mapped.kind,
    provider: ctx.provider,
    model: ctx.model,
    message: afterOutput ? `${mapped.message.replace(/\.$/, '')} — mid-answer; the answer is incomplete.` : mapped.message,
    retryAfterMs: mapped.retryAfterMs,
    afterOutput,
    cause,
  });
}

function streamErrorStatus(type: string | undefined, message: string | undefined): number {
  switch (type) {
    case 'overloaded_error':
      return 529;
    case 'rate_limit_error':
    case 'rate_limit_exceeded':
    case 'requests':
    case 'tokens':
      return 429;
    case 'authentication_error':
    case 'invalid_api_key':
      return 401;
    case 'permission_error':
      return 403;
    case 'not_found_error':
    case 'model_not_found':
      return 404;
    case 'request_too_large':
    case 'context_length_exceeded':
      return 413;
    case 'invalid_request_error':
      return message && looksLikeContextTooLong(message) ? 413 : 400;
    default:
      return 500;
  }
}
