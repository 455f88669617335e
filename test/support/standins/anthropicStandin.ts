// A stand-in for Anthropic's Messages API: POST /v1/messages streamed as SSE events message_start,
// content_block_start, ping, content_block_delta…, content_block_stop, message_delta, message_stop;
// `event: error` for in-stream failures; Anthropic's error JSON for statuses (529 overloaded included).
import { startStandin } from './standinServer';
import type { RecordedRequest, Standin, StandinStep, StartOptions, WireFormat } from './standinServer';

/** Wire names. `input_tokens` EXCLUDES cache reads and writes, as Anthropic reports it. */
export interface AnthropicStandinUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type AnthropicStandin = Standin<AnthropicStandinUsage>;
export type AnthropicStandinStep = StandinStep<AnthropicStandinUsage>;

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function modelOf(request: RecordedRequest, step: AnthropicStandinStep): string {
  const body = request.body as { model?: string } | undefined;
  return step.model ?? body?.model ?? 'claude-standin';
}

function usageOf(step: AnthropicStandinStep, tokens: string[]): AnthropicStandinUsage {
  return {
    input_tokens: step.usage?.input_tokens ?? 10,
    output_tokens: step.usage?.output_tokens ?? tokens.length,
    cache_read_input_tokens: step.usage?.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: step.usage?.cache_creation_input_tokens ?? 0,
  };
}

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

export function anthropicErrorBody(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: 'req_standin' };
}

export const anthropicWire: WireFormat<AnthropicStandinUsage> = {
  contentType: 'text/event-stream; charset=utf-8',
  serves: (request) => request.method === 'POST' && /\/v1\/messages$/.test(request.path),
  answerJson(request, step, tokens) {
    if ((request.body as { stream?: boolean } | undefined)?.stream === true) return undefined;
    return {
      status: 200,
      body: {
        id: `msg_standin${request.index}`,
        type: 'message',
        role: 'assistant',
        model: modelOf(request, step),
        content: [{ type: 'text', text: tokens.join('') }],
        stop_reason: step.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: usageOf(step, tokens),
      },
    };
  },
  open(request, step) {
    const usage = usageOf(step, []);
    return [
      event('message_start', {
        type: 'message_start',
        message: {
          id: `msg_standin${request.index}`,
          type: 'message',
          role: 'assistant',
          model: modelOf(request, step),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: usage.input_tokens,
            cache_creation_input_tokens: usage.cache_creation_input_tokens,
            cache_read_input_tokens: usage.cache_read_input_tokens,
            output_tokens: 1,
          },
        },
      }),
      event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', { type: 'ping' }),
    ];
  },
  token: (_request, _step, text) =>
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
  close(_request, step, tokens) {
    const usage = usageOf(step, tokens);
    return [
      event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: step.stopReason ?? 'end_turn', stop_sequence: null },
        // Cumulative, as the current API sends it.
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: usage.output_tokens,
        },
      }),
      event('message_stop', { type: 'message_stop' }),
    ];
  },
  malformed: () =>
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"oops"\n\n',
  streamError: (_request, errorType, message) =>
    event('error', anthropicErrorBody(errorType ?? 'overloaded_error', message ?? 'Overloaded')),
  errorBody(status) {
    const [type, message] =
      ERROR_TYPES[status] ??
      (status >= 500 ? ['api_error', 'Internal server error'] : ['invalid_request_error', `Stand-in error ${status}.`]);
    return anthropicErrorBody(type, message);
  },
  errorHeaders: () => ({ 'request-id': 'req_standin' }),
};

export function startAnthropicStandin(options: StartOptions = {}): Promise<AnthropicStandin> {
  return startStandin(anthropicWire, options);
}
