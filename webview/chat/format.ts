// What an answer cost, in words where a number would mislead: a local model is free, an unpriced one unknown.
import type { Tier } from '../../src/core/types';
import { formatUsd } from '../../src/core/format';

export function formatCost(costUsd: number | null, tier: Tier): string {
  if (costUsd === null) return tier === 'local' ? 'free' : 'cost unknown';
  if (costUsd === 0 && tier === 'local') return 'free';
  return formatUsd(costUsd);
}
