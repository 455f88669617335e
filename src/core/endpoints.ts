// Endpoint policy: where a model's requests go, and whether that address stays on this machine or network.
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

/**
 * Whether a URL stays on this machine or the local network (loopback, RFC 1918, link-local, ULA,
 * `.local`). Local-only privacy and $0 pricing are judged by this, never by a model's tier label.
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
