// Per-model circuit breaker and observed latency. Time comes from an injected monotonic clock so
// tests drive it with a fake one.
import type { Clock } from '../ports';
import type { TaskKind } from '../types';
import type { ProviderErrorKind } from '../providers/provider';

export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface Availability {
  state: CircuitState;
  /** Milliseconds until the model may be tried again (0 unless open). */
  retryInMs: number;
  /** Why it was cooled down, e.g. `overloaded`, `rateLimit`. */
  lastFailure?: ProviderErrorKind;
  /** A half-open model whose single probe request is already under way. */
  probeInFlight?: boolean;
}

/** What the router reads. */
export interface HealthView {
  availability(modelId: string): Availability;
  /** Median time to first token over recent successful requests, once there are enough of them. */
  latencyP50(modelId: string, task: TaskKind): number | undefined;
}

/** What the executor writes. */
export interface HealthRecorder {
  /** Claims the right to send a request: false while the circuit is open or a half-open probe is out. */
  beginAttempt(modelId: string): boolean;
  recordSuccess(modelId: string, task: TaskKind, sample: { ttftMs: number | null; totalMs: number }): void;
  recordFailure(modelId: string, failure: { kind: ProviderErrorKind; retryAfterMs?: number }): void;
  /** The caller gave up (abort): neither a success nor a failure, but a probe slot is released. */
  recordAbandoned(modelId: string): void;
}

export interface HealthOptions {
  /** First cooldown after a transient failure. */
  baseCooldownMs: number;
  /** Cooldown growth per consecutive failure. */
  multiplier: number;
  maxCooldownMs: number;
  /** Longest retry-after honoured (servers occasionally send absurd values). */
  maxRetryAfterMs: number;
  /** Cooldown after auth / not-found failures: a configuration problem will not fix itself in seconds. */
  configFailureCooldownMs: number;
  /** A half-open probe that never reports back frees its slot after this long. */
  probeTimeoutMs: number;
  /** Successful requests remembered per model and task for latency. */
  latencyWindow: number;
  /** Fewer samples than this and latency is not judged. */
  minLatencySamples: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = {
  baseCooldownMs: 2_000,
  multiplier: 2,
  maxCooldownMs: 5 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  configFailureCooldownMs: 10 * 60_000,
  probeTimeoutMs: 2 * 60_000,
  latencyWindow: 32,
  minLatencySamples: 3,
};

/** Failures that say nothing about the model's health: the request itself was the problem. */
const REQUEST_FAULTS: ReadonlySet<ProviderErrorKind> = new Set(['contextTooLong']);
const CONFIG_FAULTS: ReadonlySet<ProviderErrorKind> = new Set(['auth', 'notFound']);

interface Circuit {
  consecutiveFailures: number;
  openUntil: number;
  lastFailure?: ProviderErrorKind;
  /** Set when the cooldown has passed and one probe has been let through. */
  probeStartedAt: number | null;
}

interface LatencySamples {
  samples: number[];
  next: number;
  p50: number | undefined;
}

export class ModelHealth implements HealthView, HealthRecorder {
  private readonly circuits = new Map<string, Circuit>();
  private readonly latency = new Map<string, LatencySamples>();
  private readonly options: HealthOptions;

  constructor(
    private readonly clock: Pick<Clock, 'monotonic'>,
    options: Partial<HealthOptions> = {},
  ) {
    this.options = { ...DEFAULT_HEALTH_OPTIONS, ...options };
  }

  availability(modelId: string): Availability {
    const c = this.circuits.get(modelId);
    if (c === undefined || (c.consecutiveFailures === 0 && c.probeStartedAt === null)) return { state: 'closed', retryInMs: 0 };
    const now = this.clock.monotonic();
    if (now < c.openUntil) return { state: 'open', retryInMs: Math.ceil(c.openUntil - now), lastFailure: c.lastFailure };
    const probeInFlight = c.probeStartedAt !== null && now - c.probeStartedAt < this.options.probeTimeoutMs;
    return { state: 'halfOpen', retryInMs: 0, lastFailure: c.lastFailure, probeInFlight };
  }

  beginAttempt(modelId: string): boolean {
    const c = this.circuits.get(modelId);
    if (c === undefined || c.consecutiveFailures === 0) return true;
    const now = this.clock.monotonic();
    if (now < c.openUntil) return false;
    if (c.probeStartedAt !== null && now - c.probeStartedAt < this.options.probeTimeoutMs) return false;
    c.probeStartedAt = now;
    return true;
  }

  recordSuccess(modelId: string, task: TaskKind, sample: { ttftMs: number | null; totalMs: number }): void {
    this.circuits.delete(modelId);
    const value = sample.ttftMs ?? sample.totalMs;
    if (!Number.isFinite(value) || value < 0) return;
    const key = `${modelId}\u0000${task}`;
    let s = this.latency.get(key);
    if (s === undefined) {
      s = { samples: [], next: 0, p50: undefined };
      this.latency.set(key, s);
    }
    if (s.samples.length < this.options.latencyWindow) s.samples.push(value);
    else s.samples[s.next] = value;
    s.next = (s.next + 1) % this.options.latencyWindow;
    // Computed on write so the routing path only reads a number.
    s.p50 = s.samples.length < this.options.minLatencySamples ? undefined : median(s.samples);
  }

  recordFailure(modelId: string, failure: { kind: ProviderErrorKind; retryAfterMs?: number }): void {
    if (REQUEST_FAULTS.has(failure.kind)) {
      this.releaseProbe(modelId);
      return;
    }
    const now = this.clock.monotonic();
    const c = this.circuits.get(modelId) ?? { consecutiveFailures: 0, openUntil: 0, probeStartedAt: null };
    c.consecutiveFailures += 1;
    c.lastFailure = failure.kind;
    c.probeStartedAt = null;
    const o = this.options;
    let cooldown = CONFIG_FAULTS.has(failure.kind)
      ? o.configFailureCooldownMs
      : Math.min(o.maxCooldownMs, o.baseCooldownMs * o.multiplier ** (c.consecutiveFailures - 1));
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0)
      cooldown = Math.max(cooldown, Math.min(failure.retryAfterMs, o.maxRetryAfterMs));
    c.openUntil = now + cooldown;
    this.circuits.set(modelId, c);
  }

  recordAbandoned(modelId: string): void {
    this.releaseProbe(modelId);
  }

  latencyP50(modelId: string, task: TaskKind): number | undefined {
    return this.latency.get(`${modelId}\u0000${task}`)?.p50;
  }

  /** Forget a model's failures, e.g. after the user fixed its API key. */
  reset(modelId?: string): void {
    if (modelId === undefined) this.circuits.clear();
    else this.circuits.delete(modelId);
  }

  private releaseProbe(modelId: string): void {
    const c = this.circuits.get(modelId);
    if (c !== undefined) c.probeStartedAt = null;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A view for when no health is tracked (tests, first start). */
export const HEALTHY: HealthView = {
  availability: () => ({ state: 'closed', retryInMs: 0 }),
  latencyP50: () => undefined,
};
