// One provider per model definition, endpoint and first-byte timeout, shared by every task (completions
// included), so the endpoint rule and the timeout rule are written once.
import type { Ports } from '../ports';
import type { SettingsSnapshot } from '../settings/schema';
import { modelEndpoint } from '../endpoints';
import { keySourceOf } from '../keyDestinations';
import type { ModelRef, TaskKind } from '../types';
import type { ModelProvider } from './provider';
import type { createProvider } from './createProvider';
import { MIN_FIRST_BYTE_MS, firstByteTimeoutFor } from './guardedStream';

/** Injected so the host can load the SDKs lazily, on the first request rather than at activation. */
export type ProviderFactory = typeof createProvider;

/** Providers are cheap but not free to build: keep one per model definition and endpoint. */
export class ProviderCache {
  private readonly cache = new Map<string, ModelProvider>();
  constructor(
    private readonly ports: Ports,
    private readonly create: ProviderFactory,
    /** The least a first-byte timeout waits, however tight the latency budget (tests shorten it). */
    private readonly minFirstByteMs = MIN_FIRST_BYTE_MS,
  ) {}

  /** Where `model`'s requests go under `settings`: the configured endpoint, else the model's own base URL. */
  static endpointOf(model: ModelRef, settings: SettingsSnapshot): string | undefined {
    return modelEndpoint(model, settings.endpoints) || model.baseUrl;
  }

  /**
   * The provider for `model`; throws (from the factory) when the model cannot have one, e.g. no base URL.
   * With a task, a model that sends nothing within that task's latency budget (at least the floor) times
   * out, so the router can move on; without one (the completion engine, whose Ollama may be loading the
   * model) the providers' default wait applies.
   */
  get(model: ModelRef, settings: SettingsSnapshot, task?: TaskKind): ModelProvider {
    const endpoint = ProviderCache.endpointOf(model, settings);
    // Which setting chose the endpoint is part of the key: the host asks before a key follows a workspace's.
    const keySource = keySourceOf(model, settings);
    const firstByteMs = task === undefined ? undefined : firstByteTimeoutFor(settings.latencyBudgetMs[task], this.minFirstByteMs);
    const key = [
      model.provider,
      endpoint ?? '',
      settings.completion.keepAlive,
      keySource.setting,
      keySource.layer ?? '',
      firstByteMs ?? '',
    ].join('\u0000');
    let provider = this.cache.get(key);
    if (!provider) {
      provider = this.create({ ...model, baseUrl: endpoint }, this.ports, {
        ollamaKeepAlive: settings.completion.keepAlive,
        keySource,
        ...(firstByteMs !== undefined && { timeouts: { [model.provider]: { firstByteMs } } }),
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}
