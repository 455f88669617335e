// Deleting old ledger files by the retention plan: when prunes run, the careful delete, and what gets logged.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock, Logger } from '../ports';
import { errorText, FILE_PATTERN, SIDECAR_PATTERN } from './ledgerFiles';
import type { LedgerRetention, PrunePlan, RetentionFile } from './ledgerRetention';
import { planPrune } from './ledgerRetention';

/** What one prune did. */
export interface PruneReport {
  removed: PrunePlan['remove'];
  /** Bytes of ledger files and indexes left. */
  keptBytes: number;
  /** Still over the size cap: the rest holds this month's records or is in use. */
  overCap: boolean;
}

/** What a prune needs from the ledger it prunes. */
export interface PruneHost {
  readonly dir: string;
  readonly logger: Logger;
  readonly clock: Clock;
  isClosed(): boolean;
  /** Brings the per-file aggregates up to date: each file's newest day comes from them. */
  refresh(): Promise<void>;
  /** The ledger files, oldest first. */
  listFiles(): Promise<string[]>;
  /** The file this ledger appends to, if one is open. */
  activeFile(): string | undefined;
  newestDay(name: string): string | undefined;
  /** A deleted file's aggregates are dropped. */
  forget(name: string): void;
  sidecarPath(name: string): string;
}

/** Runs the ledger's prunes: one at a time, on a timer after opening and after each rotation, or when asked. */
export class LedgerPruner {
  private pruning: Promise<PruneReport> | null = null;
  private pruneTimer: ReturnType<typeof setTimeout> | undefined;
  private pruneTimerDelayMs = 0;
  /** The size cap last warned about, so the over-cap warning is logged once. */
  private warnedCapMb: number | null = null;

  constructor(
    private readonly host: PruneHost,
    /** Read before each prune, so a changed setting applies to the next one; undefined = never prune. */
    private readonly retention: (() => LedgerRetention | undefined) | undefined,
  ) {}

  /** Deletes rotated files past the retention window, then the oldest while over the size cap. Concurrent calls share one pass. */
  prune(): Promise<PruneReport> {
    if (this.host.isClosed()) return Promise.resolve({ removed: [], keptBytes: 0, overCap: false });
    this.pruning ??= this.pruneOnce().finally(() => {
      this.pruning = null;
    });
    return this.pruning;
  }

  /** Cancels the pending prune (the ledger is closing). */
  cancelTimer(): void {
    clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
  }

  /** Resolves once no prune is under way. */
  async idle(): Promise<void> {
    await this.pruning?.catch(() => undefined);
  }

  /** Prunes after `delayMs`, unless one is already due sooner. */
  schedule(delayMs: number): void {
    if (this.retention === undefined || this.host.isClosed()) return;
    // One pending prune at a time; a rotation brings the one after opening forward.
    if (this.pruneTimer !== undefined) {
      if (delayMs >= this.pruneTimerDelayMs) return;
      clearTimeout(this.pruneTimer);
    }
    this.pruneTimerDelayMs = delayMs;
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = undefined;
      this.prune().catch((e: unknown) => this.host.logger.warn(`ledger: pruning ${this.host.dir} failed: ${errorText(e)}`));
    }, delayMs);
    // A pending prune must not keep a process (a test, a CLI) alive.
    this.pruneTimer.unref?.();
  }

  private currentRetention(): LedgerRetention | undefined {
    let retention: LedgerRetention | undefined;
    try {
      retention = this.retention?.();
    } catch (e) {
      this.host.logger.warn(`ledger: could not read the retention settings, not pruning: ${errorText(e)}`);
      return undefined;
    }
    if (retention === undefined || !Number.isFinite(retention.retentionDays) || !Number.isFinite(retention.maxMegabytes)) return undefined;
    return retention;
  }

  private async pruneOnce(): Promise<PruneReport> {
    const retention = this.currentRetention();
    if (retention === undefined || this.host.isClosed()) return { removed: [], keptBytes: 0, overCap: false };
    // Newest day per file comes from the aggregates (shared with queries: budgets never wait on deletions).
    await this.host.refresh();
    const names = await this.host.listFiles();
    const newest = names[names.length - 1];
    const mine = this.host.activeFile();
    const seen = new Map<string, { mtimeMs: number; ino: number }>();
    const files = (
      await Promise.all(
        names.map(async (name): Promise<RetentionFile | null> => {
          const st = await fs.stat(path.join(this.host.dir, name)).catch(() => null);
          if (st === null) return null;
          const sidecarBytes = await fs.stat(this.host.sidecarPath(name)).then(
            (s) => s.size,
            () => 0,
          );
          seen.set(name, { mtimeMs: st.mtimeMs, ino: st.ino });
          return {
            name,
            bytes: st.size + sidecarBytes,
            newestDay: this.host.newestDay(name),
            lastWriteMs: st.mtimeMs,
            inUse: name === newest || name === mine,
          };
        }),
      )
    ).filter((f): f is RetentionFile => f !== null);

    const plan = planPrune(files, retention, this.host.clock.now());
    const removed: PruneReport['removed'] = [];
    let keptBytes = plan.keptBytes;
    for (const item of plan.remove) {
      const file = path.join(this.host.dir, item.name);
      const now = await fs.stat(file).catch(() => null);
      const before = seen.get(item.name);
      // Written since the plan: someone may be appending to it after all.
      if (now !== null && (before === undefined || now.mtimeMs !== before.mtimeMs || now.ino !== before.ino)) {
        keptBytes += item.bytes;
        continue;
      }
      try {
        await fs.unlink(file);
        removed.push(item);
      } catch (e) {
        // Already gone is fine: another window pruned it first.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.host.logger.warn(`ledger: could not delete ${file}: ${errorText(e)}`);
          keptBytes += item.bytes;
          continue;
        }
      }
      await fs.rm(this.host.sidecarPath(item.name), { force: true }).catch(() => undefined);
      // A query running meanwhile may re-add it; the next one drops it again (it is not listed).
      this.host.forget(item.name);
    }
    if (newest !== undefined) await this.removeOrphanSidecars(Number(FILE_PATTERN.exec(newest)![1]));
    this.reportPrune(retention, removed, keptBytes, plan.overCap);
    return { removed, keptBytes, overCap: plan.overCap };
  }

  /** Sidecars whose file is gone (another window indexed it while it was being pruned). */
  private async removeOrphanSidecars(newestSeq: number): Promise<void> {
    const entries = await fs.readdir(this.host.dir).catch(() => [] as string[]);
    const present = new Set(entries);
    for (const entry of entries) {
      const m = SIDECAR_PATTERN.exec(entry);
      if (m === null || present.has(m[1]) || Number(m[2]) >= newestSeq) continue;
      await fs.rm(path.join(this.host.dir, entry), { force: true }).catch(() => undefined);
    }
  }

  private reportPrune(retention: LedgerRetention, removed: PruneReport['removed'], keptBytes: number, overCap: boolean): void {
    if (removed.length > 0) {
      const byAge = removed.filter((r) => r.reason === 'age').length;
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      this.host.logger.info(
        `ledger: deleted ${removed.length} old file(s), ${mb(removed.reduce((sum, r) => sum + r.bytes, 0))} MB — ${byAge} past switchboard.ledger.retentionDays (${retention.retentionDays}), ${removed.length - byAge} over switchboard.ledger.maxMegabytes (${retention.maxMegabytes}); ${mb(keptBytes)} MB kept.`,
      );
    }
    if (!overCap) {
      this.warnedCapMb = null;
      return;
    }
    if (this.warnedCapMb === retention.maxMegabytes) return;
    this.warnedCapMb = retention.maxMegabytes;
    this.host.logger.warn(
      `ledger: ${this.host.dir} takes ${(keptBytes / 1e6).toFixed(1)} MB, over switchboard.ledger.maxMegabytes (${retention.maxMegabytes} MB), but the files left hold this month's records (budgets need them) or are still being written; they are deleted once that no longer holds. Raise switchboard.ledger.maxMegabytes to keep more.`,
    );
  }
}
