// Ollama's native API (NDJSON streaming) on the `ollama` npm package: chat on /api/chat,
// fill-in-the-middle on /api/generate, model list and details on /api/tags and /api/show.
import { Ollama } from 'ollama';
import type { ChatResponse, GenerateRequest, GenerateResponse, ListResponse, Options, ShowResponse } from 'ollama';
import type { Ports } from '../ports';
import { apiKeyFor, keyDestinationFor } from '../keyDestinations';
import type { KeyDestination, KeySource } from '../keyDestinations';
import type { Chunk, StopReason, Usage } from '../types';
import { ProviderError } from './provider';
import type { ChatRequest, FimRequest, ModelProvider } from './provider';
import { badStreamError, errorFromHttpStatus, errorFromTransport, isTransportFailure, redactSecrets, timeoutError } from './providerErrors';
import type { CallContext } from './providerErrors';
import { DEFAULT_STREAM_TIMEOUTS, guardedStream } from './guardedStream';
import type { FinalFields, StreamSession, StreamTimeouts } from './guardedStream';

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

export interface OllamaProviderOptions {
  baseUrl?: string;
  timeouts?: Partial<StreamTimeouts>;
  /** How long Ollama keeps the model loaded after a call (`"30m"`, seconds, `-1` = forever). */
  keepAlive?: string | number;
  /** The setting that chose `baseUrl`: where the host lets a key go depends on it. */
  keySource?: KeySource;
}

/** Where an Ollama server is and how to reach it. */
export interface OllamaConnection {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  /** Only for an Ollama behind an authenticating proxy; a local Ollama needs none. */
  apiKey?: string;
  /** Fails list/details calls that take longer than this (ProviderError 'timeout'). */
  timeoutMs?: number;
}

export interface OllamaModelSummary {
  name: string;
  digest: string;
  sizeBytes: number;
  family: string | null;
  parameterSize: string | null;
  quantization: string | null;
}

export interface OllamaModelDetails {
  name: string;
  template: string;
  /** The trained context length from `model_info` (`<architecture>.context_length`), if reported. */
  contextLength: number | null;
  /** `num_ctx` from the model's parameters: the window Ollama actually runs with, if the model sets one. */
  numCtx: number | null;
  /** From /api/tags (show does not report it); changes when the model is re-pulled. */
  digest: string | null;
  family: string | null;
  capabilities: string[];
}

/** The digest of `model` in a /api/tags listing; a name without a tag means `:latest`. */
function digestIn(list: ListResponse, model: string): string | null {
  const wanted = model.includes(':') ? [model] : [model, `${model}:latest`];
  const entry = list.models.find((m) => wanted.includes(m.name) || wanted.includes(m.model));
  return entry?.digest ?? null;
}

/** Lists the models the server has pulled (/api/tags). Rejects with the signal's reason on abort. */
export async function listOllamaModels(connection: OllamaConnection, signal: AbortSignal): Promise<OllamaModelSummary[]> {
  const list = await callOllama(connection, '', signal, (client) => client.list());
  return list.models.map((m) => ({
    name: m.name,
    digest: m.digest,
    sizeBytes: m.size,
    family: m.details?.family ?? null,
    parameterSize: m.details?.parameter_size ?? null,
    quantization: m.details?.quantization_level ?? null,
  }));
}

/** Template, context length and digest of one model (/api/show plus /api/tags for the digest). */
export async function fetchOllamaModelDetails(
  connection: OllamaConnection,
  model: string,
  signal: AbortSignal,
): Promise<OllamaModelDetails> {
  const [show, list] = await Promise.all([
    callOllama(connection, model, signal, (client) => client.show({ model })),
    callOllama(connection, model, signal, (client) => client.list()),
  ]);
  return detailsFrom(model, show, list);
}

function detailsFrom(model: string, show: ShowResponse, list: ListResponse): OllamaModelDetails {
  const info = (show.model_info ?? {}) as unknown as Record<string, unknown>;
  const architecture = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
  const contextKey = architecture ? `${architecture}.context_length` : Object.keys(info).find((k) => k.endsWith('.context_length'));
  const contextLength = contextKey && typeof info[contextKey] === 'number' ? info[contextKey] : null;
  const numCtxMatch = /^num_ctx\s+(\d+)/m.exec(show.parameters ?? '');
  return {
    name: model,
    template: show.template ?? '',
    contextLength,
    numCtx: numCtxMatch ? Number(numCtxMatch[1]) : null,
    digest: digestIn(list, model),
    family: show.details?.family ?? null,
    capabilities: show.capabilities ?? [],
  };
}

/** A non-streaming call with the signal applied and errors typed. */
async function callOllama<T>(
  connection: OllamaConnection,
  model: string,
  signal: AbortSignal,
  call: (client: Ollama) => Promise<T>,
): Promise<T> {
  const seen: SeenResponse = {};
  const ctx: CallContext = { provider: 'ollama', model, baseUrl: connection.baseUrl, apiKey: connection.apiKey };
  const deadline = connection.timeoutMs === undefined ? undefined : AbortSignal.timeout(connection.timeoutMs);
  try {
    return await call(ollamaClient(connection, deadline ? AbortSignal.any([signal, deadline]) : signal, seen));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline?.aborted) throw timeoutError(ctx, 'firstByte', connection.timeoutMs ?? 0, false);
    throw ollamaError(ctx, error, seen, false);
  }
}

interface SeenResponse {
  headers?: Headers;
}

/** A line that is not JSON becomes an error line carrying this marker: the SDK would skip it with a console warning. */
const MALFORMED_MARKER = 'switchboard: malformed line: ';
const encoder = new TextEncoder();

/** Passes NDJSON through line by line, turning a non-JSON line into an error line in the same place. */
function ndjsonValidator(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  const checked = (lines: string[]): string =>
    lines
      .map((line) => {
        if (line.trim() === '') return line;
        try {
          JSON.parse(line);
          return line;
        } catch {
          return JSON.stringify({ error: MALFORMED_MARKER + line.slice(0, 80) });
        }
      })
      .join('\n');
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const end = pending.lastIndexOf('\n');
      if (end < 0) return;
      const complete = pending.slice(0, end);
      pending = pending.slice(end + 1);
      controller.enqueue(encoder.encode(`${checked(complete.split('\n'))}\n`));
    },
    flush(controller) {
      const rest = pending + decoder.decode();
      if (rest.trim() !== '') controller.enqueue(encoder.encode(checked([rest])));
    },
  });
}

/** The SDK console.logs while reading a non-JSON error body (a proxy's HTML page): hand it JSON instead. */
async function asJsonError(response: Response): Promise<Response> {
  if (response.headers.get('content-type')?.includes('application/json')) return response;
  const text = (await response.text().catch(() => '')).trim();
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify({ error: text.slice(0, 500) || `HTTP ${response.status}` }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** A fresh client per call: the SDK has no per-request signal, and it keeps failed streams in a list forever. */
function ollamaClient(connection: OllamaConnection, signal: AbortSignal, seen: SeenResponse): Ollama {
  const guardedFetch: typeof globalThis.fetch = async (input, init) => {
    const response = await connection.fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
    seen.headers = response.headers;
    if (!response.ok) return asJsonError(response);
    if (!response.body) return response;
    return new Response(response.body.pipeThrough(ndjsonValidator()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return new Ollama({
    host: connection.baseUrl,
    fetch: guardedFetch,
    headers: connection.apiKey ? { Authorization: `Bearer ${connection.apiKey}` } : undefined,
  });
}

const NO_DONE_LINE = 'Did not receive done or success response in stream.';

function ollamaError(ctx: CallContext, error: unknown, seen: SeenResponse, afterOutput: boolean): ProviderError {
  const response = error as { name?: unknown; status_code?: unknown; error?: unknown };
  if (response?.name === 'ResponseError' && typeof response.status_code === 'number') {
    return errorFromHttpStatus(
      ctx,
      {
        status: response.status_code,
        serverMessage: typeof response.error === 'string' ? response.error : undefined,
        headers: seen.headers,
        cause: error,
      },
      Date.now(),
    );
  }
  if (isTransportFailure(error)) return errorFromTransport(ctx, error, afterOutput);
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(MALFORMED_MARKER)) {
    const line = redactSecrets(message.slice(MALFORMED_MARKER.length), ctx.apiKey);
    return badStreamError(ctx, `a line was not JSON (${JSON.stringify(line)})`, afterOutput);
  }
  if (message === NO_DONE_LINE) return badStreamError(ctx, 'the stream ended before its final "done" line', afterOutput, error);
  // The SDK turns an `{"error": …}` line sent after a 200 into a plain Error with that text.
  return new ProviderError({
    kind: 'server',
    provider: 'ollama',
    model: ctx.model,
    message: `Ollama reported an error${afterOutput ? ' mid-answer' : ''} for ${ctx.model}: ${redactSecrets(message, ctx.apiKey)}`,
    afterOutput,
    cause: error,
  });
}

const NS_PER_MS = 1_000_000;

function stopReasonOf(doneReason: string | undefined): StopReason {
  switch (doneReason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    default:
      return 'other';
  }
}

export class OllamaProvider implements ModelProvider {
  readonly kind = 'ollama' as const;
  readonly baseUrl: string;
  private readonly timeouts: StreamTimeouts;
  private readonly keepAlive?: string | number;
  /** Digests learned from listModels/modelDetails, reported as FinalRecord.version. */
  private readonly digests = new Map<string, string>();
  private readonly keyTo: KeyDestination;

  constructor(
    private readonly ports: Ports,
    options: OllamaProviderOptions = {},
  ) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_OLLAMA_URL).replace(/\/+$/, '');
    this.keyTo = keyDestinationFor('ollama', this.baseUrl, options.keySource);
    this.timeouts = { ...DEFAULT_STREAM_TIMEOUTS, ...options.timeouts };
    this.keepAlive = options.keepAlive;
  }

  async listModels(signal: AbortSignal): Promise<OllamaModelSummary[]> {
    const models = await listOllamaModels(await this.connection('(model list)', signal), signal);
    for (const m of models) this.digests.set(m.name, m.digest);
    return models;
  }

  async modelDetails(model: string, signal: AbortSignal): Promise<OllamaModelDetails> {
    const details = await fetchOllamaModelDetails(await this.connection(model, signal), model, signal);
    if (details.digest) this.digests.set(model, details.digest);
    return details;
  }

  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const startedAt = this.ports.clock.monotonic();
    return guardedStream(
      this.session(request.model, (client) =>
        client.chat({
          model: request.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          stream: true,
          keep_alive: this.keepAlive,
          options: runOptions(request.maxTokens, request.temperature, request.stop),
        }),
      ),
      signal,
      this.timeouts,
      this.ports.clock,
      startedAt,
    );
  }

  streamFim(request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    const startedAt = this.ports.clock.monotonic();
    const body: GenerateRequest & { stream: true } =
      request.rawPrompt !== undefined
        ? { model: request.model, prompt: request.rawPrompt, raw: true, stream: true }
        : { model: request.model, prompt: request.prefix, suffix: request.suffix, stream: true };
    body.keep_alive = this.keepAlive;
    body.options = runOptions(request.maxTokens, request.temperature, request.stop);
    return guardedStream(
      this.session(request.model, (client) => client.generate(body)),
      signal,
      this.timeouts,
      this.ports.clock,
      startedAt,
    );
  }

  private async connection(model: string, signal: AbortSignal): Promise<OllamaConnection> {
    const apiKey = await apiKeyFor(this.ports, { provider: 'ollama', model }, this.keyTo, signal);
    return { baseUrl: this.baseUrl, fetch: this.ports.fetch, apiKey, timeoutMs: this.timeouts.firstByteMs };
  }

  private session(
    model: string,
    send: (client: Ollama) => Promise<AsyncIterable<GenerateResponse | ChatResponse>>,
  ): StreamSession<GenerateResponse | ChatResponse> {
    const ctx: CallContext = { provider: 'ollama', model, baseUrl: this.baseUrl };
    const seen: SeenResponse = {};
    let last: GenerateResponse | ChatResponse | undefined;
    let sawText = false;
    const usageOf = (line: GenerateResponse | ChatResponse | undefined): Usage => ({
      inputTokens: line?.prompt_eval_count ?? 0,
      outputTokens: line?.eval_count ?? 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    const version = () => this.digests.get(model) ?? (model.includes(':') ? undefined : this.digests.get(`${model}:latest`));
    return {
      ctx,
      open: async (signal) => {
        const connection = await this.connection(model, signal);
        ctx.apiKey = connection.apiKey;
        return send(ollamaClient(connection, signal, seen));
      },
      read: (line) => {
        last = line;
        const text = 'message' in line && line.message ? line.message.content : (line as GenerateResponse).response;
        if (text) sawText = true;
        return text || undefined;
      },
      finish: (): FinalFields => {
        if (!last?.done) throw badStreamError(ctx, 'the stream ended before its final "done" line', sawText);
        return {
          model: last.model || model,
          usage: usageOf(last),
          stopReason: stopReasonOf(last.done_reason),
          version: version(),
          serverTiming: {
            totalMs: (last.total_duration ?? 0) / NS_PER_MS,
            loadMs: (last.load_duration ?? 0) / NS_PER_MS,
            promptEvalMs: (last.prompt_eval_duration ?? 0) / NS_PER_MS,
            evalMs: (last.eval_duration ?? 0) / NS_PER_MS,
          },
        };
      },
      partial: () => ({ model: last?.model || model, usage: usageOf(last?.done ? last : undefined), version: version() }),
      toError: (error, afterOutput) => ollamaError(ctx, error, seen, afterOutput),
    };
  }
}

function runOptions(maxTokens?: number, temperature?: number, stop?: string[]): Partial<Options> | undefined {
  const options: Partial<Options> = {};
  if (maxTokens !== undefined) options.num_predict = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (stop && stop.length > 0) options.stop = stop;
  return Object.keys(options).length > 0 ? options : undefined;
}
