// Builds the provider for a configured model. Vendor differences are data here: base URL, timeouts,
// keep_alive; the key is not read here but by each call, because the user can change it any time.
import type { KeySource } from '../keyDestinations';
import type { Ports } from '../ports';
import type { ModelRef, ProviderKind } from '../types';
import { AnthropicProvider, DEFAULT_ANTHROPIC_URL } from './anthropic';
import type { StreamTimeouts } from './guardedStream';
import { DEFAULT_OLLAMA_URL, OllamaProvider } from './ollama';
import { DEFAULT_OPENAI_URL, OpenAIProvider } from './openai';
import type { ModelProvider } from './provider';

export interface CreateProviderOptions {
  /** Base URL per protocol, used when the model itself names none. */
  baseUrls?: Partial<Record<ProviderKind, string>>;
  /** Per protocol; missing fields fall back to the defaults in guardedStream.ts. */
  timeouts?: Partial<Record<ProviderKind, Partial<StreamTimeouts>>>;
  /** Ollama `keep_alive`, e.g. "30m", or seconds; -1 keeps the model loaded. */
  ollamaKeepAlive?: string | number;
  /** Anthropic requires max_tokens; used when a request gives none. */
  anthropicDefaultMaxTokens?: number;
  /** The setting (and its layer) that chose the base URL, for the host's decision whether the key may go there. */
  keySource?: KeySource;
}

export const DEFAULT_BASE_URLS: Readonly<Record<Exclude<ProviderKind, 'openai-compatible'>, string>> = Object.freeze({
  ollama: DEFAULT_OLLAMA_URL,
  openai: DEFAULT_OPENAI_URL,
  anthropic: DEFAULT_ANTHROPIC_URL,
});

/** The provider for `model`; throws at once when an OpenAI-compatible model has no base URL to go to. */
export function createProvider(model: ModelRef, ports: Ports, options: CreateProviderOptions = {}): ModelProvider {
  const baseUrl = model.baseUrl ?? options.baseUrls?.[model.provider];
  const timeouts = options.timeouts?.[model.provider];
  const keySource = options.keySource;
  switch (model.provider) {
    case 'ollama':
      return new OllamaProvider(ports, { baseUrl: baseUrl ?? DEFAULT_OLLAMA_URL, timeouts, keepAlive: options.ollamaKeepAlive, keySource });
    case 'openai':
      return new OpenAIProvider(ports, { kind: 'openai', baseUrl: baseUrl ?? DEFAULT_OPENAI_URL, timeouts, keySource });
    case 'openai-compatible':
      if (!baseUrl) {
        throw new Error(
          `Model "${model.id}" uses an OpenAI-compatible server but has no base URL: set "baseUrl" for it in Switchboard's model settings (e.g. http://127.0.0.1:8000/v1).`,
        );
      }
      return new OpenAIProvider(ports, { kind: 'openai-compatible', baseUrl, timeouts, keySource });
    case 'anthropic':
      return new AnthropicProvider(ports, {
        baseUrl: baseUrl ?? DEFAULT_ANTHROPIC_URL,
        timeouts,
        defaultMaxTokens: options.anthropicDefaultMaxTokens,
        keySource,
      });
  }
}
