// Endpoint policy: where a model's requests go, whether that address stays on this machine or network, and whether a model counts as local.
import type { ModelRef } from './types';
import type { SettingsSnapshot } from './settings/schema';

/** The URL a model's requests go to: its own baseUrl, else the provider's endpoint setting. */
export function modelEndpoint(
  model: ModelRef,
  endpoints: Pick<SettingsSnapshot['endpoints'], 'ollama' | 'openai' | 'anthropic'>,
): string | undefined {
  if (model.baseUrl !== undefined) return model.baseUrl;
  switch (model.provider) {
    case 'ollama':
      return endpoints.ollama;
    case 'openai':
      return endpoints.openai;
    case 'anthropic':
      return endpoints.anthropic;
    case 'openai-compatible':
      return undefined;
  }
}

/** What the "Why" line says about a model the user declared local (and did not give a price). */
export const DECLARED_LOCAL_REASON = 'priced as local: declared local in settings';

/**
 * Whether a model is local: free, and allowed in local-only mode. The user's `"local"` on the model
 * entry decides when set; otherwise only an Ollama model on a local address is local. A cloud provider
 * (openai, anthropic) or an openai-compatible server behind a loopback or LAN address is not: that is
 * how a LiteLLM proxy, a corporate gateway or an SSH tunnel to a paid API is reached.
 */
export function isLocalModel(model: ModelRef, endpoints: Pick<SettingsSnapshot['endpoints'], 'ollama' | 'openai' | 'anthropic'>): boolean {
  if (model.local !== undefined) return model.local;
  return model.provider === 'ollama' && isLocalEndpoint(modelEndpoint(model, endpoints));
}

/**
 * Whether a URL stays on this machine or the local network (loopback, RFC 1918, link-local, ULA,
 * `.local`). An Ollama model is local only on such an address; see `isLocalModel` for every provider.
 */
export function isLocalEndpoint(url: string | undefined): boolean {
  if (url === undefined) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host === '::1') return true;
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}
