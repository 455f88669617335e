// The spend ledger: append-only JSONL files under the storage folder, one line per decision and
// one per later outcome update.
//
// Durability: each line goes to the file in ONE write() on a descriptor opened with O_APPEND, so
// a crash loses at most the line being written, and two processes (two VS Code windows) appending
// at once never interleave. A torn line (a crash mid-write) is skipped on read, and the next
// opener terminates it with a newline so the following record is not glued to it.
//
// Files are `ledger-000001.jsonl`, `ledger-000002.jsonl`, …; the highest number is the one being
// appended to. Past `maxFileBytes` a writer creates the next number with O_EXCL (whoever loses
// that race simply joins the new file). Nothing is ever renamed or rewritten.
//
// Totals without re-reading everything: each file has a sidecar `<file>.index.json` holding per-day
// aggregates for its first `bytes` bytes. A query reads the sidecars and folds in only the bytes
// appended since (kept incrementally in memory between queries), and refreshes a sidecar once
// enough new bytes have been folded.
//
// Retention: a prune (shortly after open, and after each rotation, never inside an append) deletes
// rotated files past the retention window or, oldest first, while over the size cap — never the
// newest file, one with this month's records, or one written in the last few minutes (another
// window may still append to it). A writer whose file went quiet re-resolves the newest file first,
// so a prune in another window cannot take a file from under it.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Clock, Logger, Ports } from '../ports';
import { silentLogger, systemClock } from '../ports';
import type { Outcome } from '../types';
import type { DecisionRecord, LedgerRecord, OutcomeUpdateRecord } from '../router/decision';
import { buildOutcomeUpdate, RECORD_VERSION } from '../router/decision';
import { dayKeyOf, monthKeyOf } from './calendar';
import type { Spend } from './budgets';
import type { LedgerRetention, PrunePlan, RetentionFile } from './ledgerRetention';
import { planPrune, QUIET_BEFORE_REOPEN_MS } from './ledgerRetention';

export interface LedgerOptions {
  /** Folder for the ledger files (created if missing). */
  dir: string;
  /** Start a new file once the current one would grow past this. */
  maxFileBytes?: number;
  /** Rewrite a file's sidecar index after this many newly folded bytes. */
  indexEveryBytes?: number;
  /** fdatasync after every append: survives power loss too, at ~1 ms per line. */
  syncEachAppend?: boolean;
  logger?: Logger;
  /** Wall clock for the retention window and for telling quiet files from active ones. */
  clock?: Clock;
  /** Read before each prune, so a changed setting applies to the next one; omitted = never prune. */
  retention?: () => LedgerRetention | undefined;
  /** Delay of the first prune after opening (ms); later ones follow rotations. */
  pruneAfterOpenMs?: number;
}

/** What one prune did. */
export interface PruneReport {
  removed: PrunePlan['remove'];
  /** Bytes of ledger files and indexes left. */
  keptBytes: number;
  /** Still over the size cap: the rest holds this month's records or is in use. */
  overCap: boolean;
}

export interface Bucket {
  costUsd: number;
  requests: number;
}

export interface ModelBucket extends Bucket {
  accepted: number;
  rejected: number;
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Everything known about one local day. */
export interface DayAggregate {
  costUsd: number;
  requests: number;
  /** Requests whose model had no known price (counted, not costed). */
  unpriced: number;
  tokens: TokenCounts;
  byTier: Record<string, Bucket>;
  byModel: Record<string, ModelBucket>;
  byWorkspace: Record<string, Bucket>;
  byTask: Record<string, Bucket>;
}

export interface LedgerTotals {
  costUsd: number;
  requests: number;
  unpriced: number;
  tokens: TokenCounts;
  byTier: Record<string, Bucket>;
  byModel: Record<string, ModelBucket>;
  byWorkspace: Record<string, Bucket>;
  byTask: Record<string, Bucket>;
  /** Per day in range, for charts of cost over time. */
  days: Record<string, DayAggregate>;
}

export interface TotalsQuery {
  /** Inclusive `YYYY-MM-DD` bounds. */
  fromDay?: string;
  toDay?: string;
}

/** Key used in `byWorkspace` for decisions made outside any workspace. */
export const NO_WORKSPACE = '(no workspace)';

const FILE_PATTERN = /^ledger-(\d{6})\.jsonl$/;
const SIDECAR_PATTERN = /^(ledger-(\d{6})\.jsonl)\.index\.json$/;
const RECORD_START = '{"v":';
const READ_CHUNK = 1 << 20;

export class LedgerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerError';
  }
}

interface FileState {
  name: string;
  ino: number;
  /** Bytes folded into `days` (always at a line boundary). */
  offset: number;
  /** Bytes the on-disk sidecar covers. */
  indexedBytes: number;
  days: Map<string, DayAggregate>;
}

interface Sidecar {
  v: 1;
  ino: number;
  bytes: number;
  days: Record<string, DayAggregate>;
}

/** Opens the ledger in `ports.storageDir/ledger`. */
export function openLedger(
  ports: Pick<Ports, 'storageDir' | 'logger'> & Partial<Pick<Ports, 'clock'>>,
  options: Omit<LedgerOptions, 'dir' | 'logger' | 'clock'> = {},
): Promise<Ledger> {
  return Ledger.open({ ...options, dir: path.join(ports.storageDir, 'ledger'), logger: ports.logger, clock: ports.clock });
}

export class Ledger {
  readonly dir: string;
  private readonly maxFileBytes: number;
  private readonly indexEveryBytes: number;
  private readonly syncEachAppend: boolean;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retention: (() => LedgerRetention | undefined) | undefined;
  private active: { seq: number; fh: FileHandle } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly files = new Map<string, FileState>();
  private refreshing: Promise<void> | null = null;
  private refreshAgain: Promise<void> | null = null;
  private pruning: Promise<PruneReport> | null = null;
  private pruneTimer: ReturnType<typeof setTimeout> | undefined;
  private pruneTimerDelayMs = 0;
  /** The size cap last warned about, so the over-cap warning is logged once. */
  private warnedCapMb: number | null = null;
  private closed = false;
  private queried = false;
  /** Lines that could not be parsed in the last full refresh (torn or foreign). */
  skippedLines = 0;

  private constructor(options: LedgerOptions) {
    this.dir = options.dir;
    this.maxFileBytes = options.maxFileBytes ?? 8 * 1024 * 1024;
    this.indexEveryBytes = options.indexEveryBytes ?? 256 * 1024;
    this.syncEachAppend = options.syncEachAppend ?? false;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.retention = options.retention;
  }

  static async open(options: LedgerOptions): Promise<Ledger> {
    const ledger = new Ledger(options);
    try {
      await fs.mkdir(ledger.dir, { recursive: true });
    } catch (e) {
      throw new LedgerError(`Cannot create the ledger folder ${ledger.dir}: ${errorText(e)} — check that the folder is writable.`, {
        cause: e,
      });
    }
    ledger.schedulePrune(options.pruneAfterOpenMs ?? 30_000);
    return ledger;
  }

  /** Appends one decision record. Resolves once the line is in the file. */
  append(record: DecisionRecord): Promise<void> {
    return this.enqueue(record);
  }

  /** Records a later outcome for a decision (e.g. a completion accepted) as its own line. */
  updateOutcome(
    of: Pick<DecisionRecord, 'id' | 'day' | 'task' | 'workspace' | 'answeredBy'>,
    outcome: Outcome,
    time: number,
  ): Promise<void> {
    return this.enqueue(buildOutcomeUpdate(of, outcome, time));
  }

  /** Totals over a day range (all days when omitted), reading only what changed since the last call. */
  async totals(query: TotalsQuery = {}): Promise<LedgerTotals> {
    this.queried = true;
    await this.refresh();
    const out: LedgerTotals = { ...emptyTotals(), days: {} };
    for (const state of this.files.values()) {
      for (const [day, agg] of state.days) {
        if ((query.fromDay !== undefined && day < query.fromDay) || (query.toDay !== undefined && day > query.toDay)) continue;
        addDay(out, agg);
        out.days[day] = out.days[day] === undefined ? cloneDay(agg) : mergeDay(out.days[day], agg);
      }
    }
    return out;
  }

  /** Today's and this month's spend, overall and for one workspace: what budgets need. */
  async spend(nowMs: number, workspace?: string): Promise<Spend> {
    const today = dayKeyOf(nowMs);
    const month = monthKeyOf(nowMs);
    const t = await this.totals({ fromDay: `${month}-01`, toDay: `${month}-31` });
    const ws = workspace ?? NO_WORKSPACE;
    const spend: Spend = { allDayUsd: 0, allMonthUsd: t.costUsd, workspaceDayUsd: 0, workspaceMonthUsd: t.byWorkspace[ws]?.costUsd ?? 0 };
    const day = t.days[today];
    if (day !== undefined) {
      spend.allDayUsd = day.costUsd;
      spend.workspaceDayUsd = day.byWorkspace[ws]?.costUsd ?? 0;
    }
    return spend;
  }

  /**
   * The newest `limit` decisions, newest first, with later outcome updates applied.
   * Reads whole files from the newest backwards, so it is for the panel, not the routing path.
   */
  async recent(limit: number): Promise<DecisionRecord[]> {
    const names = await this.listFiles();
    const outcomes = new Map<string, Outcome>();
    const found: DecisionRecord[] = [];
    for (let i = names.length - 1; i >= 0 && found.length < limit; i--) {
      const records = await this.readTail(names[i], limit - found.length);
      for (let j = records.length - 1; j >= 0 && found.length < limit; j--) {
        const r = records[j];
        if (r.type === 'outcome') {
          if (!outcomes.has(r.id)) outcomes.set(r.id, r.outcome);
        } else {
          const outcome = outcomes.get(r.id);
          found.push(outcome === undefined ? r : { ...r, outcome });
        }
      }
    }
    return found;
  }

  /** Every record in file order (decisions and updates as written). */
  async *records(): AsyncGenerator<LedgerRecord> {
    for (const name of await this.listFiles()) {
      const batch: LedgerRecord[] = [];
      await this.readFile(name, { start: 0 }, (r) => batch.push(r));
      yield* batch;
    }
  }

  /**
   * Deletes rotated files past the retention window, then the oldest while over the size cap (see
   * the header). Concurrent calls share one pass; safe while this or another process appends.
   */
  prune(): Promise<PruneReport> {
    if (this.closed) return Promise.resolve({ removed: [], keptBytes: 0, overCap: false });
    this.pruning ??= this.pruneOnce().finally(() => {
      this.pruning = null;
    });
    return this.pruning;
  }

  /** Finishes pending appends, writes sidecars for what was folded since, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
    await this.queue.catch(() => undefined);
    await this.pruning?.catch(() => undefined);
    // Bring indexes up to date for a quick next start, if this ledger was ever queried (a never-queried
    // one would have to read everything, too slow for shutdown).
    if (this.queried) await this.refresh().catch(() => undefined);
    for (const state of this.files.values()) {
      if (state.offset > state.indexedBytes) await this.writeSidecar(state);
    }
    await this.active?.fh.close();
    this.active = null;
  }

  // -------------------------------------------------------------------------------------------
  // Appending

  private enqueue(record: LedgerRecord): Promise<void> {
    if (this.closed) return Promise.reject(new LedgerError('The ledger is closed.'));
    const line = serialise(record);
    const next = this.queue.then(() => this.writeLine(line));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeLine(line: string): Promise<void> {
    const buf = Buffer.from(line, 'utf8');
    let active = this.active ?? (await this.openActive());
    let st = await active.fh.stat();
    // Deleted by a prune, or quiet long enough that another window may have rotated past it: find the newest file.
    if (st.nlink === 0 || this.clock.now() - st.mtimeMs >= QUIET_BEFORE_REOPEN_MS) {
      await active.fh.close().catch(() => undefined);
      this.active = null;
      active = await this.openActive();
      st = await active.fh.stat();
    }
    const { size } = st;
    if (size > 0 && size + buf.length > this.maxFileBytes) active = await this.rotate(active.seq);
    const { bytesWritten } = await active.fh.write(buf, 0, buf.length, null);
    if (bytesWritten !== buf.length) {
      // Disk full or similar: end the torn line so the next record stays readable.
      await active.fh.write('\n', null, 'utf8').catch(() => undefined);
      throw new LedgerError(`Only ${bytesWritten} of ${buf.length} bytes reached the ledger in ${this.dir} — check free disk space.`);
    }
    if (this.syncEachAppend) await active.fh.datasync();
  }

  private async openActive(): Promise<{ seq: number; fh: FileHandle }> {
    const names = await this.listFiles();
    const last = names[names.length - 1];
    const seq = last === undefined ? 1 : Number(FILE_PATTERN.exec(last)![1]);
    return this.useFile(seq);
  }

  private async rotate(fromSeq: number): Promise<{ seq: number; fh: FileHandle }> {
    const seq = fromSeq + 1;
    try {
      const created = await fs.open(this.filePath(seq), 'wx');
      await created.close();
    } catch (e) {
      // Another process rotated first: join its file.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new LedgerError(`Cannot start a new ledger file in ${this.dir}: ${errorText(e)}`, { cause: e });
    }
    await this.active?.fh.close();
    this.active = null;
    this.logger.debug(`ledger: continuing in ${fileName(seq)}`);
    const opened = await this.useFile(seq);
    this.schedulePrune(0);
    return opened;
  }

  private async useFile(seq: number): Promise<{ seq: number; fh: FileHandle }> {
    let fh: FileHandle;
    try {
      fh = await fs.open(this.filePath(seq), 'a+');
    } catch (e) {
      throw new LedgerError(`Cannot open the ledger ${this.filePath(seq)}: ${errorText(e)} — check that the folder is writable.`, {
        cause: e,
      });
    }
    // A crash may have left a torn last line: end it so the next record starts on its own line.
    const { size } = await fh.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await fh.write('\n', null, 'utf8');
    }
    this.active = { seq, fh };
    return this.active;
  }

  // -------------------------------------------------------------------------------------------
  // Reading and aggregating

  private refresh(): Promise<void> {
    if (this.refreshing === null) {
      this.refreshing = this.refreshOnce().finally(() => {
        this.refreshing = null;
      });
      return this.refreshing;
    }
    // The pass under way (a background prune's, say) may have looked before the caller's last
    // append: run one more after it, shared by everyone who asks meanwhile.
    this.refreshAgain ??= this.refreshing
      .catch(() => undefined)
      .then(() => {
        this.refreshAgain = null;
        return this.refresh();
      });
    return this.refreshAgain;
  }

  private async refreshOnce(): Promise<void> {
    const names = await this.listFiles();
    const present = new Set(names);
    for (const name of [...this.files.keys()]) if (!present.has(name)) this.files.delete(name);
    // Stats and index loads in parallel: at a million records most of the time is per-file round trips.
    const stats = await Promise.all(
      names.map((name) =>
        fs.stat(path.join(this.dir, name)).then(
          (st) => ({ size: st.size, ino: st.ino }),
          () => null,
        ),
      ),
    );
    await Promise.all(
      names.map(async (name, i) => {
        const st = stats[i];
        const state = this.files.get(name);
        // Gone since the listing (pruned by another window): its totals go with it.
        if (st === null) this.files.delete(name);
        if (st === null || (state !== undefined && state.ino === st.ino && st.size >= state.offset)) return;
        this.files.set(name, (await this.loadSidecar(name, st)) ?? { name, ino: st.ino, offset: 0, indexedBytes: 0, days: new Map() });
      }),
    );
    for (let i = 0; i < names.length; i++) {
      const st = stats[i];
      const state = this.files.get(names[i]);
      if (st === null || state === undefined) continue;
      if (st.size > state.offset)
        state.offset = await this.readFile(names[i], { start: state.offset, end: st.size }, (r) => foldRecord(state.days, r));
      if (state.offset - state.indexedBytes >= this.indexEveryBytes) await this.writeSidecar(state);
    }
  }

  /** Records at the end of a file, reading backwards in growing windows until `decisions` decisions are found. */
  private async readTail(name: string, decisions: number): Promise<LedgerRecord[]> {
    let size: number;
    try {
      size = (await fs.stat(path.join(this.dir, name))).size;
    } catch {
      return [];
    }
    for (let window = 256 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const records: LedgerRecord[] = [];
      let found = 0;
      await this.readFile(name, { start, end: size, skipPartialFirstLine: start > 0 }, (r) => {
        records.push(r);
        if (r.type === 'decision') found++;
      });
      if (found >= decisions || start === 0) return records;
    }
  }

  /**
   * Reads complete lines from `start` to `end` (default: current size), calling `onRecord` for each
   * valid record. Returns the offset after the last complete line: a line still being written is
   * left for next time. `skipPartialFirstLine` drops bytes up to the first newline (a window that
   * starts mid-line).
   */
  private async readFile(
    name: string,
    range: { start: number; end?: number; skipPartialFirstLine?: boolean },
    onRecord: (r: LedgerRecord) => void,
  ): Promise<number> {
    let fh: FileHandle;
    try {
      fh = await fs.open(path.join(this.dir, name), 'r');
    } catch {
      return range.start;
    }
    try {
      const limit = range.end ?? (await fh.stat()).size;
      let offset = range.start;
      let skipping = range.skipPartialFirstLine === true;
      // Bytes after the last newline seen: a line continuing into the next chunk (or still being written).
      let pending: Buffer = Buffer.alloc(0);
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      while (offset < limit) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(READ_CHUNK, limit - offset), offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        let data = pending.length === 0 ? buf.subarray(0, bytesRead) : Buffer.concat([pending, buf.subarray(0, bytesRead)]);
        if (skipping) {
          const firstNewline = data.indexOf(0x0a);
          if (firstNewline < 0) {
            pending = Buffer.alloc(0);
            continue;
          }
          data = data.subarray(firstNewline + 1);
          skipping = false;
        }
        const lastNewline = data.lastIndexOf(0x0a);
        if (lastNewline < 0) {
          pending = Buffer.from(data);
          continue;
        }
        // Decoding whole lines only keeps multi-byte characters intact across chunk boundaries.
        const text = data.toString('utf8', 0, lastNewline);
        this.parseLines(text, text.length, onRecord);
        pending = Buffer.from(data.subarray(lastNewline + 1));
      }
      return offset - pending.length;
    } finally {
      await fh.close();
    }
  }

  private parseLines(text: string, end: number, onRecord: (r: LedgerRecord) => void): void {
    let from = 0;
    while (from < end) {
      const nl = text.indexOf('\n', from);
      const lineEnd = nl < 0 || nl > end ? end : nl;
      if (lineEnd > from) {
        const record = parseLine(text, from, lineEnd);
        if (record !== undefined) onRecord(record);
        else this.skippedLines++;
      }
      from = lineEnd + 1;
    }
  }

  private async loadSidecar(name: string, st: { size: number; ino: number }): Promise<FileState | undefined> {
    try {
      const raw = JSON.parse(await fs.readFile(this.sidecarPath(name), 'utf8')) as Sidecar;
      if (raw.v !== 1 || raw.ino !== st.ino || typeof raw.bytes !== 'number' || raw.bytes > st.size) return undefined;
      return { name, ino: st.ino, offset: raw.bytes, indexedBytes: raw.bytes, days: new Map(Object.entries(raw.days)) };
    } catch {
      return undefined;
    }
  }

  private async writeSidecar(state: FileState): Promise<void> {
    const sidecar: Sidecar = { v: 1, ino: state.ino, bytes: state.offset, days: Object.fromEntries(state.days) };
    const target = this.sidecarPath(state.name);
    const tmp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      await fs.writeFile(tmp, JSON.stringify(sidecar));
      await fs.rename(tmp, target);
      state.indexedBytes = state.offset;
    } catch (e) {
      // Only an optimisation: the next query folds from the older index.
      this.logger.debug(`ledger: could not write ${target}: ${errorText(e)}`);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Retention

  private schedulePrune(delayMs: number): void {
    if (this.retention === undefined || this.closed) return;
    // One pending prune at a time; a rotation brings the one after opening forward.
    if (this.pruneTimer !== undefined) {
      if (delayMs >= this.pruneTimerDelayMs) return;
      clearTimeout(this.pruneTimer);
    }
    this.pruneTimerDelayMs = delayMs;
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = undefined;
      this.prune().catch((e: unknown) => this.logger.warn(`ledger: pruning ${this.dir} failed: ${errorText(e)}`));
    }, delayMs);
    // A pending prune must not keep a process (a test, a CLI) alive.
    this.pruneTimer.unref?.();
  }

  private currentRetention(): LedgerRetention | undefined {
    let retention: LedgerRetention | undefined;
    try {
      retention = this.retention?.();
    } catch (e) {
      this.logger.warn(`ledger: could not read the retention settings, not pruning: ${errorText(e)}`);
      return undefined;
    }
    if (retention === undefined || !Number.isFinite(retention.retentionDays) || !Number.isFinite(retention.maxMegabytes)) return undefined;
    return retention;
  }

  private async pruneOnce(): Promise<PruneReport> {
    const retention = this.currentRetention();
    if (retention === undefined || this.closed) return { removed: [], keptBytes: 0, overCap: false };
    // Newest day per file comes from the aggregates (shared with queries: budgets never wait on deletions).
    await this.refresh();
    const names = await this.listFiles();
    const newest = names[names.length - 1];
    const mine = this.active === null ? undefined : fileName(this.active.seq);
    const seen = new Map<string, { mtimeMs: number; ino: number }>();
    const files = (
      await Promise.all(
        names.map(async (name): Promise<RetentionFile | null> => {
          const st = await fs.stat(path.join(this.dir, name)).catch(() => null);
          if (st === null) return null;
          const sidecarBytes = await fs.stat(this.sidecarPath(name)).then(
            (s) => s.size,
            () => 0,
          );
          seen.set(name, { mtimeMs: st.mtimeMs, ino: st.ino });
          return {
            name,
            bytes: st.size + sidecarBytes,
            newestDay: newestDayOf(this.files.get(name)),
            lastWriteMs: st.mtimeMs,
            inUse: name === newest || name === mine,
          };
        }),
      )
    ).filter((f): f is RetentionFile => f !== null);

    const plan = planPrune(files, retention, this.clock.now());
    const removed: PruneReport['removed'] = [];
    let keptBytes = plan.keptBytes;
    for (const item of plan.remove) {
      const file = path.join(this.dir, item.name);
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
          this.logger.warn(`ledger: could not delete ${file}: ${errorText(e)}`);
          keptBytes += item.bytes;
          continue;
        }
      }
      await fs.rm(this.sidecarPath(item.name), { force: true }).catch(() => undefined);
      // A query running meanwhile may re-add it; the next one drops it again (it is not listed).
      this.files.delete(item.name);
    }
    if (newest !== undefined) await this.removeOrphanSidecars(Number(FILE_PATTERN.exec(newest)![1]));
    this.reportPrune(retention, removed, keptBytes, plan.overCap);
    return { removed, keptBytes, overCap: plan.overCap };
  }

  /** Sidecars whose file is gone (another window indexed it while it was being pruned). */
  private async removeOrphanSidecars(newestSeq: number): Promise<void> {
    const entries = await fs.readdir(this.dir).catch(() => [] as string[]);
    const present = new Set(entries);
    for (const entry of entries) {
      const m = SIDECAR_PATTERN.exec(entry);
      if (m === null || present.has(m[1]) || Number(m[2]) >= newestSeq) continue;
      await fs.rm(path.join(this.dir, entry), { force: true }).catch(() => undefined);
    }
  }

  private reportPrune(retention: LedgerRetention, removed: PruneReport['removed'], keptBytes: number, overCap: boolean): void {
    if (removed.length > 0) {
      const byAge = removed.filter((r) => r.reason === 'age').length;
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      this.logger.info(
        `ledger: deleted ${removed.length} old file(s), ${mb(removed.reduce((sum, r) => sum + r.bytes, 0))} MB — ${byAge} past switchboard.ledger.retentionDays (${retention.retentionDays}), ${removed.length - byAge} over switchboard.ledger.maxMegabytes (${retention.maxMegabytes}); ${mb(keptBytes)} MB kept.`,
      );
    }
    if (!overCap) {
      this.warnedCapMb = null;
      return;
    }
    if (this.warnedCapMb === retention.maxMegabytes) return;
    this.warnedCapMb = retention.maxMegabytes;
    this.logger.warn(
      `ledger: ${this.dir} takes ${(keptBytes / 1e6).toFixed(1)} MB, over switchboard.ledger.maxMegabytes (${retention.maxMegabytes} MB), but the files left hold this month's records (budgets need them) or are still being written; they are deleted once that no longer holds. Raise switchboard.ledger.maxMegabytes to keep more.`,
    );
  }

  private async listFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    return names.filter((n) => FILE_PATTERN.test(n)).sort();
  }

  private filePath(seq: number): string {
    return path.join(this.dir, fileName(seq));
  }

  private sidecarPath(name: string): string {
    return path.join(this.dir, `${name}.index.json`);
  }
}

function newestDayOf(state: FileState | undefined): string | undefined {
  let newest: string | undefined;
  if (state !== undefined) for (const day of state.days.keys()) if (newest === undefined || day > newest) newest = day;
  return newest;
}

function fileName(seq: number): string {
  return `ledger-${String(seq).padStart(6, '0')}.jsonl`;
}

/** One line of JSON, `v` and `type` first so a torn line can be resynchronised on `{"v":`. */
export function serialise(record: LedgerRecord): string {
  const line = JSON.stringify(Object.assign({ v: record.v, type: record.type }, record));
  return `${line}\n`;
}

function parseLine(text: string, from: number, to: number): LedgerRecord | undefined {
  const line = text.slice(from, to);
  const record = tryParse(line);
  if (record !== undefined) return record;
  // A torn line followed by a whole record on the same line (crash, then another writer): keep the record.
  const resync = line.lastIndexOf(RECORD_START);
  return resync > 0 ? tryParse(line.slice(resync)) : undefined;
}

function tryParse(line: string): LedgerRecord | undefined {
  if (!line.startsWith(RECORD_START)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = value as Partial<LedgerRecord>;
  if (r.v !== RECORD_VERSION || typeof r.id !== 'string' || typeof r.day !== 'string') return undefined;
  if (r.type !== 'decision' && r.type !== 'outcome') return undefined;
  return r as LedgerRecord;
}

function emptyDay(): DayAggregate {
  return {
    costUsd: 0,
    requests: 0,
    unpriced: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    byTier: {},
    byModel: {},
    byWorkspace: {},
    byTask: {},
  };
}

function emptyTotals(): Omit<LedgerTotals, 'days'> {
  return {
    costUsd: 0,
    requests: 0,
    unpriced: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    byTier: {},
    byModel: {},
    byWorkspace: {},
    byTask: {},
  };
}

function bump(map: Record<string, Bucket>, key: string, cost: number, requests: number): void {
  const b = map[key] ?? (map[key] = { costUsd: 0, requests: 0 });
  b.costUsd += cost;
  b.requests += requests;
}

function modelBucket(map: Record<string, ModelBucket>, key: string): ModelBucket {
  return map[key] ?? (map[key] = { costUsd: 0, requests: 0, accepted: 0, rejected: 0 });
}

function foldRecord(days: Map<string, DayAggregate>, r: LedgerRecord): void {
  let day = days.get(r.day);
  if (day === undefined) {
    day = emptyDay();
    days.set(r.day, day);
  }
  if (r.type === 'outcome') {
    foldOutcome(day, r);
    return;
  }
  const cost = typeof r.costUsd === 'number' && Number.isFinite(r.costUsd) ? r.costUsd : 0;
  day.costUsd += cost;
  day.requests += 1;
  if (r.costUsd === null) day.unpriced += 1;
  if (r.usage) {
    day.tokens.input += r.usage.inputTokens;
    day.tokens.output += r.usage.outputTokens;
    day.tokens.cacheRead += r.usage.cacheReadTokens;
    day.tokens.cacheWrite += r.usage.cacheWriteTokens;
  }
  const model = r.answeredBy ?? r.chosen;
  bump(day.byTier, model?.tier ?? 'none', cost, 1);
  const mb = modelBucket(day.byModel, model?.id ?? 'none');
  mb.costUsd += cost;
  mb.requests += 1;
  bump(day.byWorkspace, r.workspace ?? NO_WORKSPACE, cost, 1);
  bump(day.byTask, r.task, cost, 1);
}

function foldOutcome(day: DayAggregate, u: OutcomeUpdateRecord): void {
  if (u.model === null || (u.outcome !== 'accepted' && u.outcome !== 'rejected')) return;
  const mb = modelBucket(day.byModel, u.model);
  if (u.outcome === 'accepted') mb.accepted += 1;
  else mb.rejected += 1;
}

function mergeBuckets<B extends Bucket>(into: Record<string, B>, from: Record<string, B>): void {
  for (const [k, b] of Object.entries(from)) {
    const t = into[k];
    if (t === undefined) into[k] = { ...b };
    else
      for (const field of Object.keys(b) as (keyof B)[]) {
        (t[field] as number) += b[field] as number;
      }
  }
}

function addDay(into: Omit<LedgerTotals, 'days'>, day: DayAggregate): void {
  into.costUsd += day.costUsd;
  into.requests += day.requests;
  into.unpriced += day.unpriced;
  into.tokens.input += day.tokens.input;
  into.tokens.output += day.tokens.output;
  into.tokens.cacheRead += day.tokens.cacheRead;
  into.tokens.cacheWrite += day.tokens.cacheWrite;
  mergeBuckets(into.byTier, day.byTier);
  mergeBuckets(into.byModel, day.byModel);
  mergeBuckets(into.byWorkspace, day.byWorkspace);
  mergeBuckets(into.byTask, day.byTask);
}

function cloneDay(day: DayAggregate): DayAggregate {
  const out = emptyDay();
  addDay(out, day);
  return out;
}

function mergeDay(into: DayAggregate, day: DayAggregate): DayAggregate {
  addDay(into, day);
  return into;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
