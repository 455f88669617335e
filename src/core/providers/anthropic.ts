// Anthropic's Messages API on `@anthropic-ai/sdk`: streaming, with usage from message_start and
// message_delta (cache reads and writes counted apart from input, as Anthropic reports them).
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { MessageDeltaUsage, RawMessageStreamEvent, Usage as AnthropicUsage } from '@anthropic-ai/sdk/resources/messages';
import type { Ports } from '../ports';
import { apiKeyFor, keyDestinationFor } from '../keyDestinations';
import type { KeyDestination, KeySource } from '../keyDestinations';
import type { Chunk, Message, StopReason, Usage } from '../types';
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

export const DEFAULT_ANTHROPIC_URL = 'https://api.anthropic.com';
/** Anthropic requires max_tokens; this is what a request without one asks for. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 8192;

export interface AnthropicProviderOptions {
  baseUrl?: string;
  timeouts?: Partial<StreamTimeouts>;
  defaultMaxTokens?: number;
  /** The setting that chose `baseUrl`: where the host lets the key go depends on it. */
  keySource?: KeySource;
}

/** message_delta carries cumulative counts; a null there means "unchanged since message_start". */
export function mergeAnthropicUsage(current: Usage, update: AnthropicUsage | MessageDeltaUsage): Usage {
  return {
    inputTokens: update.input_tokens ?? current.inputTokens,
    outputTokens: update.output_tokens ?? current.outputTokens,
    cacheReadTokens: update.cache_read_input_tokens ?? current.cacheReadTokens,
    cacheWriteTokens: update.cache_creation_input_tokens ?? current.cacheWriteTokens,
  };
}

function stopReasonOf(reason: string): StopReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'stop_sequence':
      return 'stopSequence';
    case 'tool_use':
      return 'toolUse';
    default:
      return 'other';
  }
}

/** System messages go in the `system` parameter; the rest stay in order. */
function splitSystem(messages: Message[]): { system?: string; turns: { role: 'user' | 'assistant'; content: string }[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns = messages
    .filter((m): m is Message & { role: 'user' | 'assistant' } => m.role !== 'system')
    .map((m) => ({ role: m.role, content: m.content }));
  return system.length > 0 ? { system: system.join('\n\n'), turns } : { turns };
}

export class AnthropicProvider implements ModelProvider {
  readonly kind = 'anthropic' as const;
  readonly baseUrl: string;
  private readonly timeouts: StreamTimeouts;
  private readonly defaultMaxTokens: number;
  private readonly client: Anthropic;
  private readonly keyTo: KeyDestination;

  constructor(
    private readonly ports: Ports,
    options: AnthropicProviderOptions = {},
  ) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_ANTHROPIC_URL).replace(/\/+$/, '');
    this.keyTo = keyDestinationFor('anthropic', this.baseUrl, options.keySource);
    this.timeouts = { ...DEFAULT_STREAM_TIMEOUTS, ...options.timeouts };
    this.defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
    this.client = new Anthropic({
      // A string here keeps the SDK from reading keys, tokens or profiles from the environment or disk;
      // the real key is resolved per call and sent as that request's x-api-key header.
      apiKey: 'set-per-request',
      baseURL: this.baseUrl,
      fetch: (url, init) => this.ports.fetch(url, init),
      // Fallback is the router's job: one request per call.
      maxRetries: 0,
      // A backstop only: our own first-byte timer fires first.
      timeout: this.timeouts.firstByteMs + 5_000,
      logger: sdkLogger(ports.logger, 'anthropic'),
      logLevel: 'warn',
      openTelemetry: false,
    });
  }

  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const startedAt = this.ports.clock.monotonic();
    const { system, turns } = splitSystem(request.messages);
    const ctx: CallContext = { provider: 'anthropic', model: request.model, baseUrl: this.baseUrl };
    let serverModel: string | undefined;
    let usage: Usage = { ...ZERO_USAGE };
    let stopReason: string | undefined;
    let sawText = false;
    const session: StreamSession<RawMessageStreamEvent> = {
      ctx,
      prepare: async (requestSignal) => {
        const apiKey = await apiKeyFor(this.ports, ctx, this.keyTo, requestSignal);
        if (!apiKey) throw missingKeyError(ctx);
        ctx.apiKey = apiKey;
      },
      open: (requestSignal) =>
        this.client.messages.create(
          {
            model: request.model,
            max_tokens: request.maxTokens ?? this.defaultMaxTokens,
            messages: turns,
            ...(system === undefined ? {} : { system }),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.stop && request.stop.length > 0 ? { stop_sequences: request.stop } : {}),
            stream: true,
          },
          // Anthropic documents x-api-key; this SDK release would send the key as a Bearer token instead.
          { signal: requestSignal, headers: { 'x-api-key': ctx.apiKey ?? '', Authorization: null } },
        ),
      read: (event) => {
        switch (event.type) {
          case 'message_start':
            serverModel = event.message.model;
            usage = mergeAnthropicUsage(usage, event.message.usage);
            return undefined;
          case 'content_block_delta':
            if (event.delta.type !== 'text_delta' || !event.delta.text) return undefined;
            sawText = true;
            return event.delta.text;
          case 'message_delta':
            usage = mergeAnthropicUsage(usage, event.usage);
            if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
            return undefined;
          default:
            return undefined;
        }
      },
      finish: (): FinalFields => {
        if (!stopReason) throw badStreamError(ctx, 'the stream ended before message_delta gave a stop_reason', sawText);
        return {
          model: serverModel ?? request.model,
          usage,
          stopReason: stopReasonOf(stopReason),
          ...(serverModel ? { version: serverModel } : {}),
        };
      },
      partial: () => ({ model: serverModel ?? request.model, usage }),
      toError: (error, afterOutput) => anthropicError(ctx, error, afterOutput),
    };
    return guardedStream(session, signal, this.timeouts, this.ports.clock, startedAt);
  }

  /** Claude has no fill-in-the-middle endpoint; completions belong on a local or OpenAI-compatible model. */
  streamFim(request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const ctx: CallContext = { provider: 'anthropic', model: request.model, baseUrl: this.baseUrl };
    const unsupported: StreamSession<never> = {
      ctx,
      open: () =>
        Promise.reject(
          new ProviderError({
            kind: 'badResponse',
            provider: 'anthropic',
            model: request.model,
            message: `${request.model} cannot do inline (fill-in-the-middle) completion: Anthropic has no FIM endpoint. Route completions to an Ollama or OpenAI-compatible model.`,
          }),
        ),
      read: () => undefined,
      finish: () => ({ model: request.model, usage: { ...ZERO_USAGE }, stopReason: 'other' }),
      partial: () => ({ model: request.model, usage: { ...ZERO_USAGE } }),
      toError: (error, afterOutput) => anthropicError(ctx, error, afterOutput),
    };
    return guardedStream(unsupported, signal, this.timeouts, this.ports.clock, this.ports.clock.monotonic());
  }
}

function anthropicError(ctx: CallContext, error: unknown, afterOutput: boolean): ProviderError {
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError({
      kind: 'timeout',
      provider: 'anthropic',
      model: ctx.model,
      message: `No response from Anthropic for ${ctx.model} in time.`,
      afterOutput,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) return errorFromTransport(ctx, error.cause ?? error, afterOutput);
  if (error instanceof APIError) {
    const serverMessage = error.apiMessage ?? (error.message.replace(/^\d{3}\s+/, '') || undefined);
    if (typeof error.status === 'number') {
      return errorFromHttpStatus(
        ctx,
        { status: error.status, serverMessage, serverCode: error.type, headers: error.headers, cause: error },
        Date.now(),
      );
    }
    // An `event: error` after a 200, e.g. overloaded_error mid-stream.
    return errorFromStreamErrorType(ctx, error.type ?? undefined, serverMessage, afterOutput, error);
  }
  if (error instanceof SyntaxError) return badStreamError(ctx, 'an event was not JSON', afterOutput, error);
  if (isTransportFailure(error)) return errorFromTransport(ctx, error, afterOutput);
  return badStreamError(ctx, error instanceof Error ? error.message : String(error), afterOutput, error);
}
