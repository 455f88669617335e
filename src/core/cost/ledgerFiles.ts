// The ledger's files on disk: names, one JSON line per record, reading whole lines back, the sidecar indexes.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../ports';
import type { LedgerRecord } from '../router/decision';
import { RECORD_VERSION } from '../router/decision';
import type { DayAggregate } from './ledgerTotals';
import { cloneDay } from './ledgerTotals';

export const FILE_PATTERN = /^ledger-(\d{6})\.jsonl$/;
export const SIDECAR_PATTERN = /^(ledger-(\d{6})\.jsonl)\.index\.json$/;
const RECORD_START = '{"v":';
const READ_CHUNK = 1 << 20;

/** One ledger file's aggregates, as far as its records have been folded in. */
export interface FileState {
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

/**
 * Reads complete lines from `start` to `end` (default: current size), calling `onRecord` for each
 * valid record. Returns the offset after the last complete line: a line still being written is
 * left for next time. `skipPartialFirstLine` drops bytes up to the first newline (a window that
 * starts mid-line).
 */
export async function readLines(
  file: string,
  range: { start: number; end?: number; skipPartialFirstLine?: boolean },
  onRecord: (r: LedgerRecord) => void,
  onSkipped: () => void,
): Promise<number> {
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'r');
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
      parseLines(text, text.length, onRecord, onSkipped);
      pending = Buffer.from(data.subarray(lastNewline + 1));
    }
    return offset - pending.length;
  } finally {
    await fh.close();
  }
}

function parseLines(text: string, end: number, onRecord: (r: LedgerRecord) => void, onSkipped: () => void): void {
  let from = 0;
  while (from < end) {
    const nl = text.indexOf('\n', from);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    if (lineEnd > from) {
      const record = parseLine(text, from, lineEnd);
      if (record !== undefined) onRecord(record);
      else onSkipped();
    }
    from = lineEnd + 1;
  }
}

/** Records at the end of a file, reading backwards in growing windows until `decisions` decisions are found. */
export async function readTail(file: string, decisions: number, onSkipped: () => void): Promise<LedgerRecord[]> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    return [];
  }
  for (let window = 256 * 1024; ; window *= 4) {
    const start = Math.max(0, size - window);
    const records: LedgerRecord[] = [];
    let found = 0;
    await readLines(
      file,
      { start, end: size, skipPartialFirstLine: start > 0 },
      (r) => {
        records.push(r);
        if (r.type === 'decision') found++;
      },
      onSkipped,
    );
    if (found >= decisions || start === 0) return records;
  }
}

/** The sidecar at `file` for ledger file `name`, when it still describes that file (same inode, not past its end). */
export async function loadSidecar(file: string, name: string, st: { size: number; ino: number }): Promise<FileState | undefined> {
  try {
    const raw = JSON.parse(await fs.readFile(file, 'utf8')) as Sidecar;
    if (raw.v !== 1 || raw.ino !== st.ino || typeof raw.bytes !== 'number' || raw.bytes > st.size) return undefined;
    // Copied into fresh aggregates: JSON.parse makes plain objects, and the keyed records must have no prototype.
    const days = new Map(Object.entries(raw.days).map(([day, agg]) => [day, cloneDay(agg)]));
    return { name, ino: st.ino, offset: raw.bytes, indexedBytes: raw.bytes, days };
  } catch {
    return undefined;
  }
}

/** Writes `state` as the sidecar at `target` (write then rename, so a reader never sees half of one). */
export async function writeSidecar(target: string, state: FileState, logger: Logger): Promise<void> {
  const sidecar: Sidecar = { v: 1, ino: state.ino, bytes: state.offset, days: Object.fromEntries(state.days) };
  const tmp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await fs.writeFile(tmp, JSON.stringify(sidecar));
    await fs.rename(tmp, target);
    state.indexedBytes = state.offset;
  } catch (e) {
    // Only an optimisation: the next query folds from the older index.
    logger.debug(`ledger: could not write ${target}: ${errorText(e)}`);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

export function newestDayOf(state: FileState | undefined): string | undefined {
  let newest: string | undefined;
  if (state !== undefined) for (const day of state.days.keys()) if (newest === undefined || day > newest) newest = day;
  return newest;
}

export function fileName(seq: number): string {
  return `ledger-${String(seq).padStart(6, '0')}.jsonl`;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
