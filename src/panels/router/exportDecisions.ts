// Decisions → CSV (RFC 4180) or JSON for the router panel's export. Generators, so the host can
// stream 100k records to a file without building one giant string.
import type { DecisionRecord } from '../../core/router/decision';
import type { ExportFormat } from '../../shared/routerPanelData';
import { modelOfRecord, tierOfRecord } from './decisionIndex';

export const CSV_COLUMNS = [
  'id',
  'time',
  'day',
  'workspace',
  'task',
  'language',
  'model',
  'tier',
  'chosenModel',
  'chosenTier',
  'outcome',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
  'estimatedCostUsd',
  'ttftMs',
  'totalMs',
  'hops',
  'candidates',
  'explanation',
  'error',
  'servedModel',
  'modelVersion',
] as const;

type CsvCell = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/** Spreadsheets run cells that start like this as formulas; a leading apostrophe keeps them text. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field. Numbers are written as they are; text is quoted when it holds a comma, quote,
 * CR/LF or edge whitespace (quotes doubled), and prefixed with `'` when a spreadsheet would read
 * it as a formula. Null and undefined are empty.
 */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function rowCells(r: DecisionRecord): CsvCell[] {
  return [
    r.id,
    new Date(r.time).toISOString(),
    r.day,
    r.workspace,
    r.task,
    r.language,
    modelOfRecord(r),
    tierOfRecord(r),
    r.chosen?.id,
    r.chosen?.tier,
    r.outcome,
    r.usage?.inputTokens,
    r.usage?.outputTokens,
    r.usage?.cacheReadTokens,
    r.usage?.cacheWriteTokens,
    r.costUsd,
    r.estimatedCostUsd,
    r.ttftMs,
    r.totalMs,
    r.hops.map((h) => h.text).join(' | '),
    r.candidates
      .map((c) => `${c.id} (${c.tier}, ${c.source}): ${c.kept ? 'kept' : 'dropped'}${c.reason ? ` — ${c.reason}` : ''}`)
      .join(' | '),
    r.explanation,
    r.error,
    r.servedModel,
    r.modelVersion,
  ];
}

/** The header line, then one line per record, each ending in CRLF. */
export function* decisionsCsvChunks(records: Iterable<DecisionRecord>): Generator<string> {
  // A UTF-8 byte-order mark so Excel reads non-ASCII model names and reasons correctly.
  yield `\uFEFF${csvLine(CSV_COLUMNS)}`;
  for (const r of records) yield csvLine(rowCells(r));
}

/** A JSON array of the ledger records as stored, one record per line. */
export function* decisionsJsonChunks(records: Iterable<DecisionRecord>): Generator<string> {
  let first = true;
  yield '[';
  for (const r of records) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

export function exportChunks(format: ExportFormat, records: Iterable<DecisionRecord>): Generator<string> {
  return format === 'csv' ? decisionsCsvChunks(records) : decisionsJsonChunks(records);
}

export function decisionsToCsv(records: Iterable<DecisionRecord>): string {
  return [...decisionsCsvChunks(records)].join('');
}

export function decisionsToJson(records: Iterable<DecisionRecord>): string {
  return [...decisionsJsonChunks(records)].join('');
}

/** A file name for the save dialog: `switchboard-decisions-2026-11-25.csv`. */
export function exportFileName(format: ExportFormat, day: string): string {
  return `switchboard-decisions-${day}.${format}`;
}
