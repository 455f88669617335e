// The OpenAI protocol on the `openai` SDK: streaming chat completions for OpenAI itself and for any
// OpenAI-compatible server (vLLM, llama.cpp, LM Studio, LiteLLM, OpenRouter) at another base URL.
// FIM goes to the legacy /completions endpoint: `prompt` + `suffix` natively (DeepSeek, some vLLM
// and llama.cpp builds accept it), or the caller's templated `rawPrompt` alone, which every server
// with /completions accepts. A server that rejects it answers 4xx, surfaced as badResponse.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Completion, CompletionUsage } from 'openai/resources/completions';
import type { Ports } from '../ports';
import { apiKeyFor, keyDestinationFor } from '../keyDestinations';
import type { KeyDestination, KeySource } from '../keyDestinations';
import type { Chunk, StopReason, Usage } from '../types';
import { ZERO_USAGE } from '../types';
import { ProviderError } from './provider';
import type { ChatRequest, FimRequest, ModelProvider } from './provider';
import {
  badStreamError,
  errorFromHttpStatus,
  errorFromStreamErrorType,
  errorFromTransport,
  isTransportFailure,
  missingKeyError,
} from './providerErrors';
import type { CallContext } from './providerErrors';
import { DEFAULT_STREAM_TIMEOUTS, guardedStream } from './guardedStream';
import type { FinalFields, StreamSession, StreamTimeouts } from './guardedStream';
import { sdkLogger } from './sdkLogger';

export const DEFAULT_OPENAI_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderOptions {
  /** 'openai' needs a key; 'openai-compatible' sends one only if the user set one. */
  kind: 'openai' | 'openai-compatible';
  baseUrl?: string;
  timeouts?: Partial<StreamTimeouts>;
  /** The setting that chose `baseUrl`: where the host lets the key go depends on it. */
  keySource?: KeySource;
}

/** OpenAI's prompt_tokens include cached (and, on some gateways, cache-written) tokens: take them out. */
export function normaliseOpenAIUsage(usage: CompletionUsage): Usage {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite),
    outputTokens: usage.completion_tokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

function stopReasonOf(finishReason: string): StopReason {
  switch (finishReason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'toolUse';
    default:
      return 'other';
  }
}

/** Strips the SDK's "429 " prefix so the message is the server's own words. */
function serverMessageOf(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message.replace(/^\d{3}\s+/, '') || undefined;
}

export class OpenAIProvider implements ModelProvider {
  readonly kind: 'openai' | 'openai-compatible';
  readonly baseUrl: string;
  private readonly timeouts: StreamTimeouts;
  private readonly client: OpenAI;
  private readonly keyTo: KeyDestination;

  constructor(
    private readonly ports: Ports,
    options: OpenAIProviderOptions,
  ) {
    this.kind = options.kind;
    this.baseUrl = (options.baseUrl ?? DEFAULT_OPENAI_URL).replace(/\/+$/, '');
    this.keyTo = keyDestinationFor(this.kind, this.baseUrl, options.keySource);
    this.timeouts = { ...DEFAULT_STREAM_TIMEOUTS, ...options.timeouts };
    this.client = new OpenAI({
      // The real key is resolved per call and sent as that request's Authorization header.
      apiKey: 'set-per-request',
      adminAPIKey: null,
      organization: null,
      project: null,
      baseURL: this.baseUrl,
      fetch: (url, init) => this.ports.fetch(url, init),
      // Fallback is the router's job: one request per call.
      maxRetries: 0,
      // A backstop only: our own first-byte timer fires first.
      timeout: this.timeouts.firstByteMs + 5_000,
      logger: sdkLogger(ports.logger, this.kind),
      logLevel: 'warn',
    });
  }

  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const startedAt = this.ports.clock.monotonic();
    const maxTokens =
      request.maxTokens === undefined
        ? {}
        : this.kind === 'openai'
          ? { max_completion_tokens: request.maxTokens }
          : { max_tokens: request.maxTokens }; // many compatible servers only know the older name
    const session = this.session<ChatCompletionChunk>(
      request.model,
      (requestSignal, headers) =>
        this.client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
            stream: true,
            stream_options: { include_usage: true },
            ...maxTokens,
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
          },
          { signal: requestSignal, headers },
        ),
      (chunk) => chunk.choices[0]?.delta?.content ?? undefined,
    );
    return guardedStream(session, signal, this.timeouts, this.ports.clock, startedAt);
  }

  streamFim(request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const startedAt = this.ports.clock.monotonic();
    const prompt = request.rawPrompt !== undefined ? { prompt: request.rawPrompt } : { prompt: request.prefix, suffix: request.suffix };
    const session = this.session<Completion>(
      request.model,
      (requestSignal, headers) =>
        this.client.completions.create(
          {
            model: request.model,
            ...prompt,
            stream: true,
            stream_options: { include_usage: true },
            ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
          },
          { signal: requestSignal, headers },
        ),
      (completion) => completion.choices[0]?.text || undefined,
    );
    return guardedStream(session, signal, this.timeouts, this.ports.clock, startedAt);
  }

  private session<E extends ChatCompletionChunk | Completion>(
    model: string,
    send: (signal: AbortSignal, headers: Record<string, string | null>) => Promise<AsyncIterable<E>>,
    textOf: (event: E) => string | undefined,
  ): StreamSession<E> {
    const ctx: CallContext = { provider: this.kind, model, baseUrl: this.baseUrl };
    let serverModel: string | undefined;
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    let sawText = false;
    return {
      ctx,
      prepare: async (signal) => {
        const apiKey = await apiKeyFor(this.ports, ctx, this.keyTo, signal);
        if (!apiKey && this.kind === 'openai') throw missingKeyError(ctx);
        ctx.apiKey = apiKey;
      },
      // null removes the SDK's placeholder header: a keyless local server gets no Authorization at all.
      open: (signal) => send(signal, { Authorization: ctx.apiKey ? `Bearer ${ctx.apiKey}` : null }),
      read: (event) => {
        if (event.model) serverModel = event.model;
        if (event.usage) usage = normaliseOpenAIUsage(event.usage);
        const reason = event.choices[0]?.finish_reason;
        if (reason) finishReason = reason;
        const text = textOf(event);
        if (text) sawText = true;
        return text;
      },
      finish: (): FinalFields => {
        if (!finishReason) throw badStreamError(ctx, 'the stream ended before a finish_reason', sawText);
        if (!usage) this.ports.logger.debug(`${this.kind}: ${model} sent no usage chunk (stream_options.include_usage ignored?)`);
        return {
          model: serverModel ?? model,
          usage: usage ?? { ...ZERO_USAGE },
          stopReason: stopReasonOf(finishReason),
          ...(serverModel ? { version: serverModel } : {}),
        };
      },
      partial: () => ({ model: serverModel ?? model, usage: usage ?? { ...ZERO_USAGE } }),
      toError: (error, afterOutput) => openAIError(ctx, error, afterOutput),
    };
  }
}

function openAIError(ctx: CallContext, error: unknown, afterOutput: boolean): ProviderError {
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError({
      kind: 'timeout',
      provider: ctx.provider,
      model: ctx.model,
      message: `No response from ${ctx.baseUrl} for ${ctx.model} in time.`,
      afterOutput,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) return errorFromTransport(ctx, error.cause ?? error, afterOutput);
  if (error instanceof APIError) {
    const serverMessage = serverMessageOf(error);
    const code = error.code ?? error.type ?? null;
    if (typeof error.status === 'number') {
      return errorFromHttpStatus(
        ctx,
        { status: error.status, serverMessage, serverCode: code, headers: error.headers, cause: error },
        Date.now(),
      );
    }
    // An `{"error": …}` event after a 200.
    return errorFromStreamErrorType(ctx, code ?? undefined, serverMessage, afterOutput, error);
  }
  if (error instanceof SyntaxError) return badStreamError(ctx, 'an event was not JSON', afterOutput, error);
  if (isTransportFailure(error)) return errorFromTransport(ctx, error, afterOutput);
  return badStreamError(ctx, error instanceof Error ? error.message : String(error), afterOutput, error);
}
