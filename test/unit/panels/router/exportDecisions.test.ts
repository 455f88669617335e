import assert from 'node:assert/strict';
import {
  CSV_COLUMNS,
  csvField,
  csvLine,
  decisionsCsvChunks,
  decisionsToCsv,
  decisionsToJson,
  exportFileName,
} from '../../../../src/panels/router/exportDecisions';
import type { DecisionRecord } from '../../../../src/core/router/decision';
import { makeDecision, modelSummary } from '../../../support/syntheticDecisions';

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"') {
      assert.equal(field, '', `a quote may only open a field (at ${i})`);
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      assert.ok(ch !== '\n' && ch !== '\r', `bare line break outside quotes at ${i}`);
      field += ch;
      i++;
    }
  }
  assert.equal(quoted, false, 'unterminated quote');
  assert.equal(field, '', 'the last line ends with CRLF');
  return rows;
}

const T = Date.UTC(2026, 10, 25, 14, 30, 0);

describe('CSV export', () => {
  it('escapes one field at a time', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r\nlf'), '"cr\r\nlf"');
    assert.equal(csvField(' padded'), '" padded"');
    assert.equal(csvField('"'), '""""');
    assert.equal(csvField(''), '');
    assert.equal(csvField(null), '');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(0.0123), '0.0123');
    assert.equal(csvField(-2), '-2', 'numbers are not formula-guarded');
    assert.equal(csvField(Number.NaN), '');
  });

  it('keeps spreadsheet formulas from running', () => {
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  });

  it('ends every line with CRLF and joins with commas', () => {
    assert.equal(csvLine(['a', 1, null, 'b,c']), 'a,1,,"b,c"\r\n');
  });

  it('writes a header and one row per record that a strict reader round-trips', () => {
    const tricky = makeDecision({
      id: 'd1',
      time: T,
      workspace: '/home/dev/my, "odd"\nproject',
      task: 'refactor',
      language: 'typescript',
      chosen: modelSummary('claude-sonnet-5-5', 'frontier'),
      answeredBy: modelSummary('gpt-6.1-sol', 'frontier'),
      candidates: [
        { id: 'claude-sonnet-5-5', tier: 'frontier', source: 'route', kept: true, reason: 'first in route' },
        { id: 'qwen', tier: 'local', source: 'degrade', kept: false, reason: '~180k prompt tokens exceed its 32k context window' },
      ],
      hops: [{ from: 'claude-sonnet-5-5', to: 'gpt-6.1-sol', kind: 'overloaded', text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol' }],
      usage: { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 800, cacheWriteTokens: 5 },
      costUsd: 0.0123,
      estimatedCostUsd: 0.02,
      ttftMs: 640,
      totalMs: 5120,
      outcome: 'accepted',
      explanation: 'said "refactor", so frontier',
      error: undefined,
      modelVersion: 'v2',
    });
    const failed = makeDecision({
      id: 'd2',
      time: T + 1,
      chosen: null,
      answeredBy: null,
      usage: null,
      costUsd: null,
      ttftMs: null,
      totalMs: null,
      outcome: 'error',
      error: 'no candidate left\nat all',
      candidates: [],
    });
    const text = decisionsToCsv([tricky, failed]);
    assert.ok(text.startsWith('\uFEFF'), 'BOM so spreadsheets read UTF-8');
    const rows = parseCsv(text.slice(1));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    const get = (row: string[], col: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(col)];
    const r1 = rows[1];
    assert.equal(r1.length, CSV_COLUMNS.length);
    assert.equal(get(r1, 'id'), 'd1');
    assert.equal(get(r1, 'time'), '2026-11-25T14:30:00.000Z');
    assert.equal(get(r1, 'workspace'), '/home/dev/my, "odd"\nproject');
    assert.equal(get(r1, 'model'), 'gpt-6.1-sol');
    assert.equal(get(r1, 'chosenModel'), 'claude-sonnet-5-5');
    assert.equal(get(r1, 'tier'), 'frontier');
    assert.equal(get(r1, 'inputTokens'), '1200');
    assert.equal(get(r1, 'cacheWriteTokens'), '5');
    assert.equal(get(r1, 'costUsd'), '0.0123');
    assert.equal(get(r1, 'ttftMs'), '640');
    assert.equal(get(r1, 'hops'), 'claude-sonnet-5-5 overloaded → gpt-6.1-sol');
    assert.equal(
      get(r1, 'candidates'),
      'claude-sonnet-5-5 (frontier, route): kept — first in route | qwen (local, degrade): dropped — ~180k prompt tokens exceed its 32k context window',
    );
    assert.equal(get(r1, 'explanation'), 'said "refactor", so frontier');
    assert.equal(get(r1, 'error'), '');
    assert.equal(get(r1, 'modelVersion'), 'v2');
    const r2 = rows[2];
    assert.equal(get(r2, 'model'), '');
    assert.equal(get(r2, 'costUsd'), '');
    assert.equal(get(r2, 'inputTokens'), '');
    assert.equal(get(r2, 'error'), 'no candidate left\nat all');
    assert.equal(get(r2, 'outcome'), 'error');
  });

  it('streams in chunks: header first, one chunk per record', () => {
    const chunks = [...decisionsCsvChunks([makeDecision({ id: 'x', time: T }), makeDecision({ id: 'y', time: T })])];
    assert.equal(chunks.length, 3);
    assert.ok(chunks[1].startsWith('x,'));
    assert.ok(chunks[2].startsWith('y,'));
  });
});

describe('JSON export', () => {
  it('writes a parseable array of the records as stored', () => {
    const records: DecisionRecord[] = [
      makeDecision({ id: 'a', time: T, explanation: 'line\nbreak "quoted"' }),
      makeDecision({ id: 'b', time: T + 5 }),
    ];
    const text = decisionsToJson(records);
    assert.deepEqual(JSON.parse(text), records);
    assert.equal(text.split('\n').length, 5, '[, two records, ], trailing newline');
  });

  it('writes an empty array for no records', () => {
    assert.deepEqual(JSON.parse(decisionsToJson([])), []);
  });

  it('names the file by format and day', () => {
    assert.equal(exportFileName('csv', '2026-11-25'), 'switchboard-decisions-2026-11-25.csv');
    assert.equal(exportFileName('json', '2026-11-25'), 'switchboard-decisions-2026-11-25.json');
  });
});
