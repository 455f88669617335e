import assert from 'node:assert/strict';
import { CHARS_PER_TOKEN, MIN_USEFUL_TOKENS, assembleContext, estimateTokens } from '../../../src/core/prompt/context';

function numberedLines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `${prefix} line ${i + 1}`).join('\n') + '\n';
}

describe('token estimate', () => {
  it('is characters / 3.5, rounded up', () => {
    assert.equal(CHARS_PER_TOKEN, 3.5);
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('x'.repeat(7)), 2);
    assert.equal(estimateTokens('x'.repeat(8)), 3);
    assert.equal(estimateTokens('x'.repeat(3500)), 1000);
  });
});

describe('context assembly under a token budget', () => {
  it('includes everything that fits, in order', () => {
    const got = assembleContext(
      [
        { label: 'a', text: 'aaaa\n', keep: 'start' },
        { label: 'b', text: 'bbbb\n', keep: 'start', overheadTokens: 5 },
      ],
      100,
    );
    assert.deepEqual(
      got.pieces.map((p) => [p.label, p.omittedLines]),
      [
        ['a', 0],
        ['b', 0],
      ],
    );
    assert.equal(got.usedTokens, estimateTokens('aaaa\n') + estimateTokens('bbbb\n') + 5);
    assert.deepEqual(got.notes, []);
  });

  it('truncates the first piece that does not fit, keeping the requested end, and notes it', () => {
    const text = numberedLines('x', 200); // "x line 1\n" … about 10 characters a line
    const budget = 120;
    const head = assembleContext([{ label: 'big.ts', text, keep: 'start' }], budget);
    const piece = head.pieces[0];
    assert.ok(piece.omittedLines > 0 && piece.omittedLines < 200);
    assert.ok(piece.text.startsWith('x line 1\n'));
    assert.ok(estimateTokens(piece.text) <= budget);
    const kept = 200 - piece.omittedLines;
    assert.ok(piece.text.endsWith(`x line ${kept}\n`));
    // One more line would not have fitted: the cut is as late as the budget allows.
    assert.ok(
      estimateTokens(
        text
          .split('\n')
          .slice(0, kept + 1)
          .join('\n') + '\n',
      ) > budget,
    );
    assert.deepEqual(head.notes, [`big.ts: showing the first ${kept} of 200 lines to stay within the prompt budget.`]);

    const tail = assembleContext([{ label: 'before', text, keep: 'end' }], budget);
    assert.ok(tail.pieces[0].text.endsWith('x line 200\n'));
    assert.match(tail.notes[0], /showing the last \d+ of 200 lines/);
  });

  it('leaves out lower-priority pieces once the budget is spent, and never exceeds it', () => {
    const candidates = [
      { label: 'first', text: numberedLines('a', 30), keep: 'start' as const, overheadTokens: 10 },
      { label: 'second', text: numberedLines('b', 300), keep: 'start' as const, overheadTokens: 10 },
      { label: 'third', text: numberedLines('c', 30), keep: 'start' as const, overheadTokens: 10 },
    ];
    const budget = 300;
    const got = assembleContext(candidates, budget);
    assert.deepEqual(
      got.pieces.map((p) => p.label),
      ['first', 'second'],
    );
    assert.equal(got.pieces[0].omittedLines, 0);
    assert.ok(got.pieces[1].omittedLines > 0);
    assert.deepEqual(got.omitted, ['third']);
    assert.match(got.notes[1], /^third: left out \(about \d+ tokens\)/);
    assert.ok(got.usedTokens <= budget);
    assert.equal(
      got.usedTokens,
      got.pieces.reduce((s, p) => s + p.tokens, 0),
    );
  });

  it('does not truncate an all-or-nothing piece, nor keep a uselessly small slice', () => {
    const whole = assembleContext([{ label: 'w', text: numberedLines('w', 100), keep: 'none' }], 50);
    assert.deepEqual(whole.omitted, ['w']);
    const tiny = assembleContext([{ label: 't', text: numberedLines('t', 100), keep: 'start' }], MIN_USEFUL_TOKENS - 1);
    assert.deepEqual(tiny.omitted, ['t']);
  });
});
