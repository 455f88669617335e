// What the host hands the core. The core never reaches for globals beyond these.
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
  /** Resolves a provider's API key (secret storage first, then environment). Never logged. */
  getApiKey(provider: ProviderKind): Promise<string | undefined>;
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
