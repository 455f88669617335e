// A stand-in for the OpenAI API (and any OpenAI-compatible server): POST /v1/chat/completions and
// the legacy POST /v1/completions, streamed as SSE `data:` chunks with the usage chunk (empty
// `choices`) when `stream_options.include_usage` is set, then `data: [DONE]`; GET /v1/models.
import { startStandin } from './standinServer';
import type { RecordedRequest, Standin, StandinStep, StartOptions, WireFormat } from './standinServer';

/** Wire names. `prompt_tokens` INCLUDES `cached_tokens`, as OpenAI reports it. */
export interface OpenAIStandinUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  /** Only some gateways (e.g. OpenRouter) report it; omitted from the wire when undefined. */
  cache_write_tokens: number;
}

export type OpenAIStandin = Standin<OpenAIStandinUsage>;
export type OpenAIStandinStep = StandinStep<OpenAIStandinUsage>;

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

const CREATED = 1_760_000_000;

function bodyOf(request: RecordedRequest): ChatBody {
  return typeof request.body === 'object' && request.body !== null ? (request.body as ChatBody) : {};
}

function isLegacy(request: RecordedRequest): boolean {
  return /\/completions$/.test(request.path) && !/\/chat\/completions$/.test(request.path);
}

function modelOf(request: RecordedRequest, step: OpenAIStandinStep): string {
  return step.model ?? bodyOf(request).model ?? 'gpt-standin';
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function usageOf(step: OpenAIStandinStep, tokens: string[]) {
  const u = step.usage ?? {};
  const prompt = u.prompt_tokens ?? 10;
  const completion = u.completion_tokens ?? tokens.length;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      cached_tokens: u.cached_tokens ?? 0,
      audio_tokens: 0,
      ...(u.cache_write_tokens === undefined ? {} : { cache_write_tokens: u.cache_write_tokens }),
    },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function chunkEnvelope(request: RecordedRequest, step: OpenAIStandinStep, choices: unknown[], usage?: unknown) {
  const wantsUsage = bodyOf(request).stream_options?.include_usage === true;
  const id = `${isLegacy(request) ? 'cmpl' : 'chatcmpl'}-standin${request.index}`;
  return {
    id,
    object: isLegacy(request) ? 'text_completion' : 'chat.completion.chunk',
    created: CREATED,
    model: modelOf(request, step),
    ...(isLegacy(request) ? {} : { system_fingerprint: 'fp_standin' }),
    choices,
    ...(wantsUsage ? { usage: usage ?? null } : {}),
  };
}

function textChoice(request: RecordedRequest, text: string, finishReason: string | null) {
  return isLegacy(request)
    ? { text, index: 0, logprobs: null, finish_reason: finishReason }
    : { index: 0, delta: finishReason === null ? { content: text } : {}, logprobs: null, finish_reason: finishReason };
}

const ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { message: 'You are not allowed to sample from this model', type: 'invalid_request_error', code: null },
  404: { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
  429: { message: 'Rate limit reached for requests. Please try again in 2s.', type: 'requests', code: 'rate_limit_exceeded' },
  500: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null },
  503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null },
};

function maskedKey(request: RecordedRequest): string {
  const auth = String(request.headers.authorization ?? '');
  const key = auth.replace(/^Bearer\s+/i, '');
  return key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '';
}

export const openAIWire: WireFormat<OpenAIStandinUsage> = {
  contentType: 'text/event-stream; charset=utf-8',
  serves: (request) =>
    (request.method === 'POST' && /\/completions$/.test(request.path)) || (request.method === 'GET' && /\/models$/.test(request.path)),
  answerJson(request, step, tokens) {
    if (request.method === 'GET') {
      return {
        status: 200,
        body: { object: 'list', data: [{ id: step.model ?? 'gpt-standin', object: 'model', created: CREATED, owned_by: 'standin' }] },
      };
    }
    if (bodyOf(request).stream === true) return undefined;
    const text = tokens.join('');
    const usage = usageOf(step, tokens);
    const finish = step.stopReason ?? 'stop';
    const choice = isLegacy(request)
      ? { text, index: 0, logprobs: null, finish_reason: finish }
      : { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish };
    return {
      status: 200,
      body: {
        id: `chatcmpl-standin${request.index}`,
        object: isLegacy(request) ? 'text_completion' : 'chat.completion',
        created: CREATED,
        model: modelOf(request, step),
        choices: [choice],
        usage,
      },
    };
  },
  open(request, step) {
    if (isLegacy(request)) return [];
    return [
      sse(
        chunkEnvelope(request, step, [
          { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
        ]),
      ),
    ];
  },
  token: (request, step, text) => sse(chunkEnvelope(request, step, [textChoice(request, text, null)])),
  close(request, step, tokens) {
    const frames = [sse(chunkEnvelope(request, step, [textChoice(request, '', step.stopReason ?? 'stop')]))];
    if (bodyOf(request).stream_options?.include_usage === true) {
      frames.push(sse(chunkEnvelope(request, step, [], usageOf(step, tokens))));
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  },
  malformed: () => 'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"oops"\n\n',
  streamError: (_request, errorType, message) =>
    sse({
      error: {
        message: message ?? 'The server had an error while processing your request.',
        type: errorType ?? 'server_error',
        param: null,
        code: null,
      },
    }),
  errorBody(status, request) {
    const known = ERRORS[status] ?? {
      message: `Stand-in error ${status}.`,
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: null,
    };
    const masked = status === 401 ? maskedKey(request) : '';
    const message = masked
      ? `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`
      : known.message;
    return { error: { message, type: known.type, param: null, code: known.code } };
  },
};

/** A context_length_exceeded body, exactly as OpenAI words it. */
export function openAIContextTooLongBody(limit: number, got: number) {
  return {
    error: {
      message: `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${got} tokens. Please reduce the length of the messages.`,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  };
}

export function startOpenAIStandin(options: StartOptions = {}): Promise<OpenAIStandin> {
  return startStandin(openAIWire, { basePath: '/v1', ...options });
}
