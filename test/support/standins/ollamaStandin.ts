// A stand-in for Ollama's native API: POST /api/chat and /api/generate streamed as NDJSON with a
// final `done` line (counts and nanosecond durations), GET /api/tags, POST /api/show, and
// Ollama's `{"error": "…"}` bodies. /api/show knows the models in `OLLAMA_STANDIN_MODELS` (or the
// ones passed to startOllamaStandin); chat/generate answer for any model name unless scripted not to.
import { startStandin } from './standinServer';
import type { RecordedRequest, Standin, StandinStep, StartOptions, WireFormat } from './standinServer';

/** Wire names; durations in nanoseconds, as Ollama reports them. */
export interface OllamaStandinUsage {
  prompt_eval_count: number;
  eval_count: number;
  total_duration: number;
  load_duration: number;
  prompt_eval_duration: number;
  eval_duration: number;
}

export type OllamaStandin = Standin<OllamaStandinUsage> & { readonly models: OllamaStandinModel[] };
export type OllamaStandinStep = StandinStep<OllamaStandinUsage>;

export interface OllamaStandinModel {
  name: string;
  template: string;
  architecture: string;
  contextLength: number;
  digest: string;
  family: string;
  parameterSize: string;
  /** The Modelfile parameters text, e.g. "num_ctx 8192\nstop <|endoftext|>". */
  parameters: string;
  capabilities: string[];
}

/** Templates as the real models ship them (abridged to the parts that matter here). */
export const OLLAMA_STANDIN_MODELS: readonly OllamaStandinModel[] = Object.freeze([
  {
    name: 'qwen2.5-coder:1.5b-base',
    template: '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>\n{{- else }}{{ .Prompt }}\n{{- end }}',
    architecture: 'qwen2',
    contextLength: 32768,
    digest: '6d3abb8d2d53bb9a5ab4c4b5a2d8e9e4f1c0b7a6d5e4f3a2b1c0d9e8f7a6b5c4',
    family: 'qwen2',
    parameterSize: '1.5B',
    parameters: 'stop "<|endoftext|>"',
    capabilities: ['completion', 'insert'],
  },
  {
    name: 'llama3.2:latest',
    template:
      '<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n',
    architecture: 'llama',
    contextLength: 131072,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    family: 'llama',
    parameterSize: '3.2B',
    parameters: 'num_ctx 8192\nstop "<|eot_id|>"',
    capabilities: ['completion', 'tools'],
  },
]);

interface OllamaBody {
  model?: string;
  stream?: boolean;
}

const CREATED_AT = '2026-01-15T10:00:00.000000Z';

function bodyOf(request: RecordedRequest): OllamaBody {
  return typeof request.body === 'object' && request.body !== null ? (request.body as OllamaBody) : {};
}

function isChat(request: RecordedRequest): boolean {
  return request.path === '/api/chat';
}

function modelOf(request: RecordedRequest, step: OllamaStandinStep): string {
  return step.model ?? bodyOf(request).model ?? 'standin';
}

function line(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

function partLine(request: RecordedRequest, step: OllamaStandinStep, text: string) {
  return isChat(request)
    ? { model: modelOf(request, step), created_at: CREATED_AT, message: { role: 'assistant', content: text }, done: false }
    : { model: modelOf(request, step), created_at: CREATED_AT, response: text, done: false };
}

function doneLine(request: RecordedRequest, step: OllamaStandinStep, tokens: string[], fullText?: string) {
  const u = step.usage ?? {};
  const counts = {
    total_duration: u.total_duration ?? 500_000_000,
    load_duration: u.load_duration ?? 10_000_000,
    prompt_eval_count: u.prompt_eval_count ?? 10,
    prompt_eval_duration: u.prompt_eval_duration ?? 40_000_000,
    eval_count: u.eval_count ?? tokens.length,
    eval_duration: u.eval_duration ?? 400_000_000,
  };
  const text = fullText ?? '';
  return isChat(request)
    ? {
        model: modelOf(request, step),
        created_at: CREATED_AT,
        message: { role: 'assistant', content: text },
        done: true,
        done_reason: step.stopReason ?? 'stop',
        ...counts,
      }
    : {
        model: modelOf(request, step),
        created_at: CREATED_AT,
        response: text,
        done: true,
        done_reason: step.stopReason ?? 'stop',
        context: [1, 2, 3],
        ...counts,
      };
}

function notFound(model: string) {
  return { error: `model "${model}" not found, try pulling it first` };
}

function wireFor(models: OllamaStandinModel[]): WireFormat<OllamaStandinUsage> {
  const find = (name: string | undefined) =>
    name === undefined ? undefined : models.find((m) => m.name === name || (!name.includes(':') && m.name === `${name}:latest`));
  return {
    contentType: 'application/x-ndjson',
    serves: (request) =>
      (request.method === 'POST' && ['/api/chat', '/api/generate', '/api/show'].includes(request.path)) ||
      (request.method === 'GET' && ['/api/tags', '/api/version'].includes(request.path)),
    answerJson(request, step, tokens) {
      if (request.path === '/api/version') return { status: 200, body: { version: '0.12.0' } };
      if (request.path === '/api/tags') {
        return {
          status: 200,
          body: {
            models: models.map((m) => ({
              name: m.name,
              model: m.name,
              modified_at: CREATED_AT,
              size: 986_061_892,
              digest: m.digest,
              details: {
                parent_model: '',
                format: 'gguf',
                family: m.family,
                families: [m.family],
                parameter_size: m.parameterSize,
                quantization_level: 'Q4_K_M',
              },
            })),
          },
        };
      }
      if (request.path === '/api/show') {
        const name = (request.body as { model?: string; name?: string } | undefined)?.model;
        const model = find(name);
        if (!model) return { status: 404, body: notFound(name ?? '') };
        return {
          status: 200,
          body: {
            license: '',
            modelfile: `FROM ${model.name}\nTEMPLATE """${model.template}"""\n`,
            parameters: model.parameters,
            template: model.template,
            details: {
              parent_model: '',
              format: 'gguf',
              family: model.family,
              families: [model.family],
              parameter_size: model.parameterSize,
              quantization_level: 'Q4_K_M',
            },
            model_info: {
              'general.architecture': model.architecture,
              'general.parameter_count': 1_543_714_304,
              [`${model.architecture}.context_length`]: model.contextLength,
              [`${model.architecture}.embedding_length`]: 1536,
            },
            capabilities: model.capabilities,
            modified_at: CREATED_AT,
          },
        };
      }
      if (bodyOf(request).stream !== false) return undefined;
      return { status: 200, body: doneLine(request, step, tokens, tokens.join('')) };
    },
    open: () => [],
    token: (request, step, text) => line(partLine(request, step, text)),
    close: (request, step, tokens) => [line(doneLine(request, step, tokens))],
    malformed: (request) =>
      isChat(request) ? '{"model":"broken","message":{"role":"assistant","content":"oops"\n' : '{"model":"broken","response":"oops"\n',
    streamError: (_request, _type, message) =>
      line({ error: message ?? 'an error was encountered while running the model: unexpected EOF' }),
    errorBody(status, request) {
      if (status === 404) return notFound(bodyOf(request).model ?? '');
      if (status === 503) return { error: 'server busy, please try again.  maximum pending requests exceeded' };
      if (status === 400) return { error: 'invalid request' };
      return { error: status >= 500 ? 'llama runner process has terminated: signal: killed' : `stand-in error ${status}` };
    },
  };
}

export async function startOllamaStandin(options: StartOptions & { models?: OllamaStandinModel[] } = {}): Promise<OllamaStandin> {
  const models = [...(options.models ?? OLLAMA_STANDIN_MODELS)];
  const standin = await startStandin(wireFor(models), options);
  return Object.assign(standin, { models });
}
