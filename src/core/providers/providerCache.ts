// One provider per model definition and endpoint, shared by every task (completions included), so
// the endpoint rule is written once.
import type { Ports } from '../ports';
import type { SettingsSnapshot } from '../settings/schema';
import { modelEndpoint } from '../endpoints';
import { keySourceOf } from '../keyDestinations';
import type { ModelRef } from '../types';
import type { ModelProvider } from './provider';
import type { createProvider } from './createProvider';

/** Injected so the host can load the SDKs lazily, on the first request rather than at activation. */
export type ProviderFactory = typeof createProvider;

/** Providers are cheap but not free to build: keep one per model definition and endpoint. */
export class ProviderCache {
  private readonly cache = new Map<string, ModelProvider>();
  constructor(
    private readonly ports: Ports,
    private readonly create: ProviderFactory,
  ) {}

  /** Where `model`'s requests go under `settings`: the configured endpoint, else the model's own base URL. */
  static endpointOf(model: ModelRef, settings: SettingsSnapshot): string | undefined {
    return modelEndpoint(model, settings.endpoints) || model.baseUrl;
  }

  /** The provider for `model`; throws (from the factory) when the model cannot have one, e.g. no base URL. */
  get(model: ModelRef, settings: SettingsSnapshot): ModelProvider {
    const endpoint = ProviderCache.endpointOf(model, settings);
    // Which setting chose the endpoint is part of the key: the host asks before a key follows a workspace's.
    const keySource = keySourceOf(model, settings);
    const key = `${model.provider}\u0000${endpoint ?? ''}\u0000${settings.completion.keepAlive}\u0000${keySource.setting}\u0000${keySource.layer ?? ''}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = this.create({ ...model, baseUrl: endpoint }, this.ports, {
        ollamaKeepAlive: settings.completion.keepAlive,
        keySource,
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}
