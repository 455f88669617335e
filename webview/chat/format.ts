// What an answer cost, in words where a number would mislead (a local model is free, an unpriced one unknown), and its size.
import type { Tier } from '../../src/core/types';
import { formatUsd } from '../../src/core/format';

export function formatCost(costUsd: number | null, tier: Tier): string {
  if (costUsd === null) return tier === 'local' ? 'free' : 'cost unknown';
  if (costUsd === 0 && tier === 'local') return 'free';
  return formatUsd(costUsd);
}

/** An answer's size in characters, as people read file sizes: "840 B", "196 KB", "5.0 MB". */
export function formatSize(chars: number): string {
  if (chars < 1000) return `${chars} B`;
  if (chars < 1_000_000) return `${Math.round(chars / 1000)} KB`;
  return `${(chars / 1_000_000).toFixed(1)} MB`;
}
