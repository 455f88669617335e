// What the host hands the core. The core never reaches for globals beyond these.
import type { KeyDestination } from './keyDestinations';
import type { ProviderKind } from './types';

export interface Clock {
  /** Wall-clock milliseconds since the epoch (for records). */
  now(): number;
  /** Monotonic milliseconds (for durations). */
  monotonic(): number;
}

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Ports {
  fetch: typeof globalThis.fetch;
  /**
   * Resolves a provider's API key (secret storage first, then environment) for a request about to go
   * to `to`. The host decides whether the key may go there (it may ask the user, until `signal`
   * aborts) and throws a KeyWithheldError when it may not. Never logged.
   */
  getApiKey(provider: ProviderKind, to: KeyDestination, signal?: AbortSignal): Promise<string | undefined>;
  clock: Clock;
  logger: Logger;
  /** Folder the core may write to (ledger, caches). */
  storageDir: string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
