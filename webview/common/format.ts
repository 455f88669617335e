// How both webviews show money, durations and token counts: the core's one formatter, with '—' where a figure is missing.
import { formatDuration, formatTokens, formatUsd } from '../../src/core/format';

/** A figure that was never reported (no usage, no first token yet). */
export const MISSING = '—';

export function usdOrMissing(usd: number | null): string {
  return usd === null ? MISSING : formatUsd(usd);
}

export function durationOrMissing(ms: number | null): string {
  return ms === null ? MISSING : formatDuration(ms);
}

export function tokensOrMissing(count: number | null): string {
  return count === null ? MISSING : formatTokens(count);
}
