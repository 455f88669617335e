// An in-memory index of ledger decisions for the router panel: columnar codes per filterable field,
// a time order, and one cached filtered selection, so filtering 100k records is a typed-array scan.
import type { DecisionRecord, OutcomeUpdateRecord } from '../../core/router/decision';
import type { Tier } from '../../core/types';
import { TASK_KINDS, TIERS } from '../../core/types';
import type { DecisionFilter, FilterOptionCount, FilterOptions } from '../../shared/routerPanelData';
import { OUTCOMES } from '../../shared/routerPanelData';

export interface DecisionPage {
  /** Newest-first position of the first record. */
  offset: number;
  /** Records matching the filter. */
  total: number;
  records: DecisionRecord[];
}

export interface AppendResult {
  /** False when a record with the same id was already indexed (the repeat is ignored). */
  added: boolean;
  record: DecisionRecord;
}

/** The model a row is filed under: who answered, else whom the router chose, else nobody. */
export function modelOfRecord(record: DecisionRecord): string | null {
  return record.answeredBy?.id ?? record.chosen?.id ?? null;
}

export function tierOfRecord(record: DecisionRecord): Tier | null {
  return record.answeredBy?.tier ?? record.chosen?.tier ?? null;
}

/** A stable key for a filter: two filters with the same key select the same records. */
export function filterKey(filter: DecisionFilter): string {
  return JSON.stringify([
    filter.task ?? '',
    filter.model ?? '',
    filter.tier ?? '',
    filter.outcome ?? '',
    filter.workspace === undefined ? '' : filter.workspace === null ? 0 : `w:${filter.workspace}`,
  ]);
}

/** Outcome updates held for decisions not seen yet; beyond this the oldest go (their decision was rotated away). */
export const MAX_ORPHAN_OUTCOMES = 10_000;
const ANY = -1;
const NO_MATCH = -2;

/** string|null ↔ small integer, with per-code counts. Code 0 is null. */
class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: (string | null)[] = [null];
  counts: number[] = [0];

  codeOf(value: string | null): number {
    if (value === null) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
      this.counts.push(0);
    }
    return code;
  }

  /** The code for a filter value, or NO_MATCH when no record has it. */
  lookup(value: string | null): number {
    if (value === null) return 0;
    return this.codes.get(value) ?? NO_MATCH;
  }
}

/** Codes for the small fixed vocabularies; 0 is "none". */
function enumCoder<T extends string>(values: readonly T[]): { code: Map<T, number>; value: (T | null)[] } {
  return { code: new Map(values.map((v, i) => [v, i + 1])), value: [null, ...values] };
}
const TASK_CODES = enumCoder(TASK_KINDS);
const TIER_CODES = enumCoder(TIERS);
const OUTCOME_CODES = enumCoder(OUTCOMES);

interface Selection {
  key: string;
  filter: DecisionFilter;
  /** True when the filter selects everything: then `order` itself is the selection. */
  all: boolean;
  /** Record positions in ascending (time, position) order; only `length` entries are valid. */
  positions: Int32Array;
  length: number;
}

interface FilterCodes {
  task: number;
  model: number;
  tier: number;
  outcome: number;
  workspace: number;
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2, 1024));
  next.set(array);
  return next;
}

/**
 * Decisions with their outcome updates applied, newest first. `append` and `applyOutcome` keep it
 * live; `page` and `count` answer one filter at a time and cache the last filter's selection, which
 * appends extend in place.
 */
export class DecisionIndex {
  private readonly records: DecisionRecord[] = [];
  private readonly positionById = new Map<string, number>();
  /** Outcome updates whose decision has not been seen yet (ledger lines can arrive out of order). */
  private readonly orphanOutcomes = new Map<string, OutcomeUpdateRecord>();
  private times = new Float64Array(0);
  private taskCodes = new Uint8Array(0);
  private tierCodes = new Uint8Array(0);
  private outcomeCodes = new Uint8Array(0);
  private modelCodes = new Int32Array(0);
  private workspaceCodes = new Int32Array(0);
  private readonly models = new Dictionary();
  private readonly workspaces = new Dictionary();
  private readonly taskCounts = new Array<number>(TASK_CODES.value.length).fill(0);
  private readonly tierCounts = new Array<number>(TIER_CODES.value.length).fill(0);
  private readonly outcomeCounts = new Array<number>(OUTCOME_CODES.value.length).fill(0);
  /** Positions ascending by (time, position). */
  private order = new Int32Array(0);
  private selection: Selection | undefined;

  /** Builds the index from ledger lines in any order; outcome updates apply to their decisions. */
  static fromLedger(lines: Iterable<DecisionRecord | OutcomeUpdateRecord>): DecisionIndex {
    const index = new DecisionIndex();
    const updates: OutcomeUpdateRecord[] = [];
    const decisions: DecisionRecord[] = [];
    for (const line of lines) {
      if (line.type === 'decision') decisions.push(line);
      else updates.push(line);
    }
    index.bulkLoad(decisions);
    for (const u of updates) index.applyOutcome(u);
    return index;
  }

  get size(): number {
    return this.records.length;
  }

  /** The record with its latest outcome, by id. */
  get(id: string): DecisionRecord | undefined {
    const p = this.positionById.get(id);
    return p === undefined ? undefined : this.records[p];
  }

  /** Adds a live decision. A repeated id is ignored; a pending outcome update for it is applied. */
  append(record: DecisionRecord): AppendResult {
    const existing = this.positionById.get(record.id);
    if (existing !== undefined) return { added: false, record: this.records[existing] };
    const p = this.store(record);
    const t = record.time;
    const n = this.records.length;
    this.order = grow(this.order, n, (k) => new Int32Array(k));
    // Usually the newest; otherwise insert in time order (concurrent requests finish out of order).
    let at = n - 1;
    if (n > 1 && this.times[this.order[n - 2]] > t) {
      at = this.upperBound(this.order, n - 1, t);
      this.order.copyWithin(at + 1, at, n - 1);
    }
    this.order[at] = p;
    const sel = this.selection;
    if (sel !== undefined) {
      if (at !== n - 1) this.selection = undefined;
      else if (sel.all) {
        sel.positions = this.order;
        sel.length = n;
      } else if (this.matchesCodes(p, this.codesOf(sel.filter))) {
        sel.positions = grow(sel.positions, sel.length + 1, (k) => new Int32Array(k));
        sel.positions[sel.length++] = p;
      }
    }
    const orphan = this.orphanOutcomes.get(record.id);
    if (orphan !== undefined) {
      this.orphanOutcomes.delete(record.id);
      this.applyOutcome(orphan);
    }
    return { added: true, record: this.records[p] };
  }

  /** Applies a later outcome. Returns the updated record, or undefined when its decision is not indexed yet (kept until it is). */
  applyOutcome(update: OutcomeUpdateRecord): DecisionRecord | undefined {
    const p = this.positionById.get(update.id);
    if (p === undefined) {
      this.orphanOutcomes.delete(update.id);
      this.orphanOutcomes.set(update.id, update);
      if (this.orphanOutcomes.size > MAX_ORPHAN_OUTCOMES) this.orphanOutcomes.delete(this.orphanOutcomes.keys().next().value as string);
      return undefined;
    }
    const code = OUTCOME_CODES.code.get(update.outcome);
    if (code === undefined) return undefined;
    const old = this.outcomeCodes[p];
    if (old !== code) {
      this.outcomeCounts[old]--;
      this.outcomeCounts[code]++;
      this.outcomeCodes[p] = code;
      // Copy, never mutate: the caller may still hold the original record.
      this.records[p] = { ...this.records[p], outcome: update.outcome };
      if (this.selection !== undefined && this.selection.filter.outcome !== undefined) this.selection = undefined;
    }
    return this.records[p];
  }

  /** Whether a record (already indexed or not) passes the filter. */
  matches(record: DecisionRecord, filter: DecisionFilter): boolean {
    if (filter.task !== undefined && record.task !== filter.task) return false;
    if (filter.tier !== undefined && tierOfRecord(record) !== filter.tier) return false;
    if (filter.outcome !== undefined && record.outcome !== filter.outcome) return false;
    if (filter.model !== undefined && modelOfRecord(record) !== filter.model) return false;
    if (filter.workspace !== undefined && record.workspace !== filter.workspace) return false;
    return true;
  }

  count(filter: DecisionFilter): number {
    return this.select(filter).length;
  }

  /** Newest first; `limit` is clamped to what is there. */
  page(filter: DecisionFilter, offset: number, limit: number): DecisionPage {
    const sel = this.select(filter);
    const start = Math.max(0, Math.min(Math.floor(offset), sel.length));
    const end = Math.min(sel.length, start + Math.max(0, Math.floor(limit)));
    const records: DecisionRecord[] = [];
    for (let i = start; i < end; i++) records.push(this.records[sel.positions[sel.length - 1 - i]]);
    return { offset: start, total: sel.length, records };
  }

  /** Newest-first position of a record within the filter's selection, or -1. */
  rankOf(id: string, filter: DecisionFilter): number {
    const p = this.positionById.get(id);
    if (p === undefined) return -1;
    const sel = this.select(filter);
    // Binary search on (time, position), the selection's order.
    const t = this.times[p];
    let lo = 0;
    let hi = sel.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = sel.positions[mid];
      const tq = this.times[q];
      if (tq < t || (tq === t && q < p)) lo = mid + 1;
      else hi = mid;
    }
    return lo < sel.length && sel.positions[lo] === p ? sel.length - 1 - lo : -1;
  }

  /** Every matching record, newest first: for export. */
  *recordsNewestFirst(filter: DecisionFilter): Generator<DecisionRecord> {
    const sel = this.select(filter);
    const positions = sel.positions;
    for (let i = sel.length - 1; i >= 0; i--) yield this.records[positions[i]];
  }

  /** Every record, oldest first (for summaries that walk the whole ledger). */
  *recordsOldestFirst(): Generator<DecisionRecord> {
    const n = this.records.length;
    for (let i = 0; i < n; i++) yield this.records[this.order[i]];
  }

  options(): FilterOptions {
    const enumOptions = <T extends string>(coder: { value: (T | null)[] }, counts: number[]): FilterOptionCount<T>[] =>
      coder.value.flatMap((value, code) => (value === null || counts[code] === 0 ? [] : [{ value, count: counts[code] }]));
    const dictOptions = (d: Dictionary, keepNull: boolean): FilterOptionCount<string | null>[] =>
      d.values
        .map((value, code) => ({ value, count: d.counts[code] }))
        .filter((o) => o.count > 0 && (keepNull || o.value !== null))
        .sort((x, y) => (x.value ?? '').localeCompare(y.value ?? ''));
    return {
      tasks: enumOptions(TASK_CODES, this.taskCounts),
      models: dictOptions(this.models, false) as FilterOptionCount<string>[],
      tiers: enumOptions(TIER_CODES, this.tierCounts),
      outcomes: enumOptions(OUTCOME_CODES, this.outcomeCounts),
      workspaces: dictOptions(this.workspaces, true),
    };
  }

  private bulkLoad(decisions: DecisionRecord[]): void {
    this.reserve(this.records.length + decisions.length);
    for (const r of decisions) {
      if (!this.positionById.has(r.id)) this.store(r);
    }
    const n = this.records.length;
    const order = new Int32Array(Math.max(n, 1024));
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      if (i > 0 && this.times[i] < this.times[i - 1]) sorted = false;
    }
    if (!sorted) {
      const times = this.times;
      order.subarray(0, n).sort((a, b) => times[a] - times[b] || a - b);
    }
    this.order = order;
    this.selection = undefined;
  }

  /** Sizes every column for `n` records at once, so a bulk load does not regrow them. */
  private reserve(n: number): void {
    this.times = grow(this.times, n, (k) => new Float64Array(k));
    this.taskCodes = grow(this.taskCodes, n, (k) => new Uint8Array(k));
    this.tierCodes = grow(this.tierCodes, n, (k) => new Uint8Array(k));
    this.outcomeCodes = grow(this.outcomeCodes, n, (k) => new Uint8Array(k));
    this.modelCodes = grow(this.modelCodes, n, (k) => new Int32Array(k));
    this.workspaceCodes = grow(this.workspaceCodes, n, (k) => new Int32Array(k));
  }

  private store(record: DecisionRecord): number {
    const p = this.records.length;
    const n = p + 1;
    this.records.push(record);
    this.positionById.set(record.id, p);
    if (n > this.times.length) this.reserve(n);
    this.times[p] = record.time;
    const task = TASK_CODES.code.get(record.task) ?? 0;
    const tier = TIER_CODES.code.get(tierOfRecord(record) as Tier) ?? 0;
    const outcome = OUTCOME_CODES.code.get(record.outcome) ?? 0;
    const model = this.models.codeOf(modelOfRecord(record));
    const workspace = this.workspaces.codeOf(record.workspace ?? null);
    this.taskCodes[p] = task;
    this.tierCodes[p] = tier;
    this.outcomeCodes[p] = outcome;
    this.modelCodes[p] = model;
    this.workspaceCodes[p] = workspace;
    this.taskCounts[task]++;
    this.tierCounts[tier]++;
    this.outcomeCounts[outcome]++;
    this.models.counts[model]++;
    this.workspaces.counts[workspace]++;
    return p;
  }

  /** First index in order[0..n) whose time is greater than t. */
  private upperBound(order: Int32Array, n: number, t: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[order[mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private codesOf(filter: DecisionFilter): FilterCodes {
    const enumCode = <T extends string>(coder: { code: Map<T, number> }, v: T | undefined): number =>
      v === undefined ? ANY : (coder.code.get(v) ?? NO_MATCH);
    return {
      task: enumCode(TASK_CODES, filter.task),
      tier: enumCode(TIER_CODES, filter.tier),
      outcome: enumCode(OUTCOME_CODES, filter.outcome),
      model: filter.model === undefined ? ANY : this.models.lookup(filter.model),
      workspace: filter.workspace === undefined ? ANY : this.workspaces.lookup(filter.workspace),
    };
  }

  private matchesCodes(p: number, c: FilterCodes): boolean {
    return (
      (c.task === ANY || this.taskCodes[p] === c.task) &&
      (c.tier === ANY || this.tierCodes[p] === c.tier) &&
      (c.outcome === ANY || this.outcomeCodes[p] === c.outcome) &&
      (c.model === ANY || this.modelCodes[p] === c.model) &&
      (c.workspace === ANY || this.workspaceCodes[p] === c.workspace)
    );
  }

  private select(filter: DecisionFilter): Selection {
    const key = filterKey(filter);
    if (this.selection !== undefined && this.selection.key === key) return this.selection;
    const n = this.records.length;
    const c = this.codesOf(filter);
    const copy = { ...filter };
    let sel: Selection;
    if (c.task === ANY && c.tier === ANY && c.outcome === ANY && c.model === ANY && c.workspace === ANY) {
      sel = { key, filter: copy, all: true, positions: this.order, length: n };
    } else if (c.task === NO_MATCH || c.tier === NO_MATCH || c.outcome === NO_MATCH || c.model === NO_MATCH || c.workspace === NO_MATCH) {
      sel = { key, filter: copy, all: false, positions: new Int32Array(0), length: 0 };
    } else {
      const positions = new Int32Array(n);
      let length = 0;
      const order = this.order;
      const { taskCodes, tierCodes, outcomeCodes, modelCodes, workspaceCodes } = this;
      for (let i = 0; i < n; i++) {
        const p = order[i];
        if (c.task !== ANY && taskCodes[p] !== c.task) continue;
        if (c.tier !== ANY && tierCodes[p] !== c.tier) continue;
        if (c.outcome !== ANY && outcomeCodes[p] !== c.outcome) continue;
        if (c.model !== ANY && modelCodes[p] !== c.model) continue;
        if (c.workspace !== ANY && workspaceCodes[p] !== c.workspace) continue;
        positions[length++] = p;
      }
      sel = { key, filter: copy, all: false, positions, length };
    }
    this.selection = sel;
    return sel;
  }
}
