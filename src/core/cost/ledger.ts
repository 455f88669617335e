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
//
// The line format and sidecars are in ledgerFiles.ts, the aggregates in ledgerTotals.ts, deletion in ledgerPrune.ts.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Clock, Logger, Ports } from '../ports';
import { silentLogger, systemClock } from '../ports';
import type { Outcome } from '../types';
import type { DecisionRecord, LedgerRecord } from '../router/decision';
import { buildOutcomeUpdate } from '../router/decision';
import { dayKeyOf, monthKeyOf } from './calendar';
import type { Spend } from './budgets';
import type { FileState } from './ledgerFiles';
import { errorText, FILE_PATTERN, fileName, loadSidecar, newestDayOf, readLines, readTail, serialise, writeSidecar } from './ledgerFiles';
import type { PruneReport } from './ledgerPrune';
import { LedgerPruner } from './ledgerPrune';
import type { LedgerRetention } from './ledgerRetention';
import { QUIET_BEFORE_REOPEN_MS } from './ledgerRetention';
import type { LedgerTotals, TotalsQuery } from './ledgerTotals';
import { addDay, cloneDay, emptyTotals, foldRecord, keyedRecord, mergeDay, NO_WORKSPACE } from './ledgerTotals';

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

export class LedgerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerError';
  }
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
  private active: { seq: number; fh: FileHandle } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly files = new Map<string, FileState>();
  private refreshing: Promise<void> | null = null;
  private refreshAgain: Promise<void> | null = null;
  private readonly pruner: LedgerPruner;
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
    this.pruner = new LedgerPruner(
      {
        dir: this.dir,
        logger: this.logger,
        clock: this.clock,
        isClosed: () => this.closed,
        refresh: () => this.refresh(),
        listFiles: () => this.listFiles(),
        activeFile: () => (this.active === null ? undefined : fileName(this.active.seq)),
        newestDay: (name) => newestDayOf(this.files.get(name)),
        forget: (name) => this.files.delete(name),
        sidecarPath: (name) => this.sidecarPath(name),
      },
      options.retention,
    );
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
    ledger.pruner.schedule(options.pruneAfterOpenMs ?? 30_000);
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
    const out: LedgerTotals = { ...emptyTotals(), days: keyedRecord() };
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
      const records = await readTail(path.join(this.dir, names[i]), limit - found.length, () => this.skippedLines++);
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
    return this.pruner.prune();
  }

  /** Finishes pending appends, writes sidecars for what was folded since, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pruner.cancelTimer();
    await this.queue.catch(() => undefined);
    await this.pruner.idle();
    // Bring indexes up to date for a quick next start, if this ledger was ever queried (a never-queried
    // one would have to read everything, too slow for shutdown).
    if (this.queried) await this.refresh().catch(() => undefined);
    for (const state of this.files.values()) {
      if (state.offset > state.indexedBytes) await writeSidecar(this.sidecarPath(state.name), state, this.logger);
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
    this.pruner.schedule(0);
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
        this.files.set(
          name,
          (await loadSidecar(this.sidecarPath(name), name, st)) ?? { name, ino: st.ino, offset: 0, indexedBytes: 0, days: new Map() },
        );
      }),
    );
    for (let i = 0; i < names.length; i++) {
      const st = stats[i];
      const state = this.files.get(names[i]);
      if (st === null || state === undefined) continue;
      if (st.size > state.offset)
        state.offset = await this.readFile(names[i], { start: state.offset, end: st.size }, (r) => foldRecord(state.days, r));
      if (state.offset - state.indexedBytes >= this.indexEveryBytes) await writeSidecar(this.sidecarPath(state.name), state, this.logger);
    }
  }

  /** See readLines; a line that does not parse counts in `skippedLines`. */
  private readFile(
    name: string,
    range: { start: number; end?: number; skipPartialFirstLine?: boolean },
    onRecord: (r: LedgerRecord) => void,
  ): Promise<number> {
    return readLines(path.join(this.dir, name), range, onRecord, () => this.skippedLines++);
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
