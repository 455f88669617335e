// Which rotated ledger files to delete: those past the retention window, then the oldest while the
// ledger is over its size cap. Pure: the ledger gathers the facts, this decides, the ledger deletes.
import { dayKeyOf, monthKeyOf } from './calendar';

export interface LedgerRetention {
  /** Delete files whose newest record is older than this many days (never below MIN_RETENTION_DAYS). */
  retentionDays: number;
  /** Delete the oldest files while the ledger takes more than this many MB (1 MB = 1,000,000 bytes); 0 = no cap. */
  maxMegabytes: number;
}

/** A month's budget totals need the whole current month; 31 days always covers it. */
export const MIN_RETENTION_DAYS = 31;
export const DEFAULT_RETENTION: Readonly<LedgerRetention> = Object.freeze({ retentionDays: 400, maxMegabytes: 500 });

/**
 * A file written to more recently than this may still be another window's append target, so it is
 * never deleted; a writer whose file has been quiet for half of it re-resolves its target first.
 */
export const QUIET_BEFORE_PRUNE_MS = 10 * 60_000;
export const QUIET_BEFORE_REOPEN_MS = QUIET_BEFORE_PRUNE_MS / 2;

const BYTES_PER_MB = 1_000_000;

export interface RetentionFile {
  name: string;
  /** The file and its sidecar index. */
  bytes: number;
  /** Largest `YYYY-MM-DD` among its records; undefined when it holds none. */
  newestDay: string | undefined;
  /** The file's modification time (ms since the epoch). */
  lastWriteMs: number;
  /** The newest file, or the one this process appends to. */
  inUse: boolean;
}

export type PruneReason = 'age' | 'size';

export interface PrunePlan {
  remove: { name: string; reason: PruneReason; bytes: number }[];
  /** Bytes left after the removals. */
  keptBytes: number;
  /** The size cap could not be met without deleting files that must stay. */
  overCap: boolean;
}

/** `YYYY-MM-DD` of the local day `days` days before `nowMs`: records on this day or later are kept. */
export function retentionCutoffDay(nowMs: number, days: number): string {
  const d = new Date(nowMs);
  return dayKeyOf(new Date(d.getFullYear(), d.getMonth(), d.getDate() - days).getTime());
}

/** Plans deletions over `files`, oldest first (ledger sequence order). */
export function planPrune(files: readonly RetentionFile[], retention: LedgerRetention, nowMs: number): PrunePlan {
  const days = Math.max(MIN_RETENTION_DAYS, Math.floor(retention.retentionDays));
  const cutoff = retentionCutoffDay(nowMs, days);
  const monthStart = `${monthKeyOf(nowMs)}-01`;
  const newestOf = (f: RetentionFile) => f.newestDay ?? dayKeyOf(f.lastWriteMs);
  // Budgets read the current month; an active or recently written file may be another window's target.
  const mustKeep = (f: RetentionFile) => f.inUse || nowMs - f.lastWriteMs < QUIET_BEFORE_PRUNE_MS || newestOf(f) >= monthStart;

  const remove: PrunePlan['remove'] = [];
  const kept: RetentionFile[] = [];
  for (const f of files) {
    if (!mustKeep(f) && newestOf(f) < cutoff) remove.push({ name: f.name, reason: 'age', bytes: f.bytes });
    else kept.push(f);
  }
  let keptBytes = kept.reduce((sum, f) => sum + f.bytes, 0);
  const capBytes = retention.maxMegabytes > 0 ? retention.maxMegabytes * BYTES_PER_MB : Infinity;
  for (const f of kept) {
    if (keptBytes <= capBytes) break;
    if (mustKeep(f)) continue;
    remove.push({ name: f.name, reason: 'size', bytes: f.bytes });
    keptBytes -= f.bytes;
  }
  return { remove, keptBytes, overCap: keptBytes > capBytes };
}
