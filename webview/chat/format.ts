// How numbers read under an answer: cost, token counts, durations.
import type { Tier } from '../../src/core/types';

export function formatCost(costUsd: number | null, tier: Tier): string {
  if (costUsd === null) return tier === 'local' ? 'free' : 'cost unknown';
  if (costUsd === 0) return tier === 'local' ? 'free' : '$0.00';
  if (costUsd < 0.0001) return '<$0.0001';
  if (costUsd < 1) return `$${costUsd.toFixed(4)}`;
  return `$${costUsd.toFixed(2)}`;
}

export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
