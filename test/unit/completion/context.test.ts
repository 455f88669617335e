import assert from 'node:assert/strict';
import {
  estimateTokens,
  gatherContext,
  identifierSet,
  jaccard,
  SnippetRetriever,
  windowPrefix,
  windowSuffix,
} from '../../../src/core/completion/context';
import type { ContextBudget, RecentFile } from '../../../src/core/completion/context';
import type { Clock } from '../../../src/core/ports';

const still: Clock = { now: () => 0, monotonic: () => 0 };

/** A clock that moves `step` ms every time it is read, as if each look took that long. */
function slowClock(step: number): Clock {
  let t = 0;
  return { now: () => t, monotonic: () => (t += step) };
}

const lines = (n: number, tag = 'line') =>
  Array.from({ length: n }, (_, i) => `${tag} ${String(i).padStart(3, '0')} xxxxxxxxxxxxxxxxxxxx`).join('\n');

describe('context: token estimate', () => {
  it('is about 3.5 characters per token, rounded up', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abc'), 1);
    assert.equal(estimateTokens('a'.repeat(35)), 10);
    assert.equal(estimateTokens('a'.repeat(36)), 11);
  });
});

describe('context: windows', () => {
  const prefix = `${lines(100)}\nconst cur`;
  const suffix = `rent = 1;\n${lines(100, 'after')}\n`;

  it('the prefix window starts at a line start and ends at the cursor', () => {
    const window = windowPrefix(prefix, 100);
    assert.ok(prefix.endsWith(window));
    assert.ok(window.endsWith('const cur'));
    assert.ok(window.startsWith('line '), JSON.stringify(window.slice(0, 20)));
    assert.ok(estimateTokens(window) <= 100);
    // It takes every whole line that fits: one more would not.
    const withOneMore = prefix.slice(prefix.lastIndexOf('\n', prefix.length - window.length - 2) + 1);
    assert.ok(estimateTokens(withOneMore) > 100);
  });

  it('the suffix window starts at the cursor and ends after a line break', () => {
    const window = windowSuffix(suffix, 100);
    assert.ok(suffix.startsWith(window));
    assert.ok(window.endsWith('\n'));
    assert.ok(estimateTokens(window) <= 100);
    const nextBreak = suffix.indexOf('\n', window.length);
    assert.ok(estimateTokens(suffix.slice(0, nextBreak + 1)) > 100);
  });

  it('short text is taken whole', () => {
    assert.equal(windowPrefix('a\nb', 100), 'a\nb');
    assert.equal(windowSuffix('a\nb', 100), 'a\nb');
  });

  it('one line longer than the budget is cut mid-line (nothing else fits)', () => {
    const long = 'x'.repeat(1000);
    assert.equal(windowPrefix(long, 10).length, 35);
    assert.equal(windowSuffix(long, 10).length, 35);
  });

  it('gatherContext splits the budget: suffix share, prefix gets its share plus what the suffix left', () => {
    const budget: ContextBudget = { maxTokens: 1000, prefixShare: 0.6, suffixShare: 0.2, minSnippetTokens: 64, maxSnippets: 3 };
    const full = gatherContext({ prefix, suffix, filePath: 'a.ts', languageId: 'typescript', budget }, 0, still);
    assert.ok(full.tokens.suffix <= 200 && full.tokens.suffix > 150, String(full.tokens.suffix));
    assert.ok(full.tokens.prefix <= 600 && full.tokens.prefix > 550, String(full.tokens.prefix));
    assert.ok(full.prefixTruncated && full.suffixTruncated);
    const atEnd = gatherContext({ prefix, suffix: '', filePath: 'a.ts', languageId: 'typescript', budget }, 0, still);
    assert.ok(atEnd.tokens.prefix > 750 && atEnd.tokens.prefix <= 800, String(atEnd.tokens.prefix));
  });
});

describe('context: snippets from recently viewed files', () => {
  const related: RecentFile = {
    path: 'src/ledger.ts',
    text: `${lines(40, 'noise')}\nexport function appendLedgerLine(ledgerPath: string, record: DecisionRecord) {\n  const line = serializeRecord(record);\n  writeLedger(ledgerPath, line);\n}\n${lines(40, 'noise')}\n`,
  };
  const unrelated: RecentFile = { path: 'src/colors.ts', text: `${lines(30, 'palette')}\nexport const red = '#f00';\n` };
  const input = {
    prefix: 'function record(decision: DecisionRecord, ledgerPath: string) {\n  const line = serializeRecord(decision);\n  ',
    suffix: '\n}\n',
    filePath: 'src/router.ts',
    languageId: 'typescript',
    recentFiles: [unrelated, related],
  };

  it('Jaccard over identifiers', () => {
    assert.equal(jaccard(identifierSet('a1 b2 c3'), identifierSet('b2 c3 d4')), 2 / 4);
    assert.equal(jaccard(identifierSet(''), identifierSet('x1')), 0);
    assert.deepEqual([...identifierSet('const foo = bar(foo); return x')].sort(), ['bar', 'foo']);
  });

  it("picks the window of the file that shares identifiers with the cursor's lines", () => {
    const context = gatherContext(input, 1000, still, new SnippetRetriever());
    assert.equal(context.timedOut, false);
    assert.ok(context.snippets.length >= 1);
    assert.equal(context.snippets[0].path, 'src/ledger.ts');
    assert.ok(context.snippets[0].text.includes('appendLedgerLine'));
    assert.ok(context.snippets.every((s) => s.path !== 'src/colors.ts'));
    assert.ok(context.tokens.snippets > 0);
  });

  it('never offers the file being edited', () => {
    const context = gatherContext({ ...input, recentFiles: [{ ...related, path: 'src/router.ts' }] }, 1000, still, new SnippetRetriever());
    assert.deepEqual(context.snippets, []);
  });

  it('offers nothing when the budget has no room left', () => {
    const budget: ContextBudget = { maxTokens: 40, prefixShare: 0.8, suffixShare: 0.2, minSnippetTokens: 64, maxSnippets: 3 };
    assert.deepEqual(gatherContext({ ...input, budget }, 1000, still, new SnippetRetriever()).snippets, []);
  });

  it('stays within the snippet budget', () => {
    const budget: ContextBudget = { maxTokens: 200, prefixShare: 0.6, suffixShare: 0.2, minSnippetTokens: 10, maxSnippets: 3 };
    const context = gatherContext({ ...input, budget }, 1000, still, new SnippetRetriever());
    assert.ok(context.tokens.prefix + context.tokens.suffix + context.tokens.snippets <= 200);
  });

  it('stops at the deadline and returns what it has', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}.ts`, text: related.text }));
    const context = gatherContext({ ...input, recentFiles: many }, 20, slowClock(1), new SnippetRetriever());
    assert.equal(context.timedOut, true);
    assert.equal(context.prefix, input.prefix);
  });

  it('keeps the indexing done before the deadline and finishes it on later calls', () => {
    const retriever = new SnippetRetriever();
    const big = { path: 'src/big.ts', text: `${lines(600, 'pad')}\n${related.text}` };
    let calls = 0;
    let found = false;
    while (calls < 50 && !found) {
      calls++;
      const context = gatherContext({ ...input, recentFiles: [big] }, 5, slowClock(1), retriever);
      found = context.snippets.some((s) => s.text.includes('appendLedgerLine'));
      if (!found) assert.equal(context.timedOut, true);
    }
    assert.ok(found, 'the related window was found once indexing finished');
    assert.ok(calls > 1, 'one call could not index it all before its deadline');
  });

  it("reuses a file's index while its text is unchanged, and bounds how many it keeps", () => {
    const retriever = new SnippetRetriever({ maxIndexedFiles: 2 });
    const files = ['a', 'b', 'c'].map((p) => ({ path: `${p}.ts`, text: related.text }));
    gatherContext({ ...input, recentFiles: files }, 1000, still, retriever);
    assert.equal(retriever.indexedFiles, 2);
  });
});
