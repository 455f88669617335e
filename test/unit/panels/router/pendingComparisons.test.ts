import assert from 'node:assert/strict';
import type { ComparisonSideDone, ComparisonStarted, ComparisonUpdate } from '../../../../src/panels/router/pendingComparisons';
import { MAX_PENDING_COMPARISONS, PendingComparisons, sideFailureText } from '../../../../src/panels/router/pendingComparisons';
import type { HopKind } from '../../../../src/core/router/execute';
import { RoutedRunError } from '../../../../src/core/router/execute';
import { ProviderError } from '../../../../src/core/providers/provider';
import type { ComparisonSide, ComparisonSideFigures, RouterHostMessage } from '../../../../src/shared/routerProtocol';

const T = new Date(2026, 10, 25, 9).getTime();

function started(id: string, at = T): ComparisonStarted {
  return { type: 'comparisonStarted', comparisonId: id, task: 'chat', prompt: `prompt for ${id}`, startedAt: at };
}

function delta(id: string, side: ComparisonSide, text: string): ComparisonUpdate {
  return { type: 'comparisonDelta', comparisonId: id, side, text };
}

function figures(side: ComparisonSide, totalMs = side === 'a' ? 900 : 1400): ComparisonSideFigures {
  return {
    ttftMs: side === 'a' ? 120 : 340,
    totalMs,
    costUsd: side === 'a' ? 0.0012 : null,
    inputTokens: side === 'a' ? 1500 : null,
    outputTokens: side === 'a' ? 120 : null,
  };
}

/** A side's end as the comparison reports it to the host, figures and all. */
function done(id: string, side: ComparisonSide, extra: { error?: string; totalMs?: number } = {}): ComparisonUpdate {
  const { totalMs, ...rest } = extra;
  return { type: 'comparisonSideDone', comparisonId: id, side, figures: figures(side, totalMs), ...rest };
}

/** The same end as the panel is told of it before the vote. */
function shownDone(id: string, side: ComparisonSide, extra: Pick<ComparisonSideDone, 'error' | 'faster'> = {}): ComparisonSideDone {
  return { type: 'comparisonSideDone', comparisonId: id, side, ...extra };
}

/** What a Feel tab shows after receiving `messages`: per comparison, each side's text and whether it finished. */
function cards(
  messages: readonly RouterHostMessage[],
): Map<string, { prompt: string; a: string; b: string; doneA: boolean; doneB: boolean; error: string | undefined }> {
  const out = new Map<string, { prompt: string; a: string; b: string; doneA: boolean; doneB: boolean; error: string | undefined }>();
  for (const m of messages) {
    if (m.type === 'comparisonStarted')
      out.set(m.comparisonId, { prompt: m.prompt, a: '', b: '', doneA: false, doneB: false, error: undefined });
    const card = 'comparisonId' in m ? out.get(m.comparisonId) : undefined;
    if (!card) continue;
    if (m.type === 'comparisonDelta') card[m.side] += m.text;
    if (m.type === 'comparisonSideDone') {
      if (m.side === 'a') card.doneA = true;
      else card.doneB = true;
      card.error ??= m.error;
    }
  }
  return out;
}

describe('pending comparisons (cards that outlive the router panel)', () => {
  it('replays a comparison the panel never saw: start, each answer as one delta, then each finished side', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), false);
    for (const [side, text] of [
      ['a', 'func'],
      ['b', 'const '],
      ['a', 'tion f() {}'],
      ['b', 'f = () => {}'],
    ] as const)
      store.update(delta('c1', side, text), false);
    store.update(done('c1', 'b'), false);
    store.update(done('c1', 'a'), false);
    assert.deepEqual(store.replay(), [
      started('c1'),
      delta('c1', 'a', 'function f() {}'),
      shownDone('c1', 'a', { faster: 'a' }),
      delta('c1', 'b', 'const f = () => {}'),
      shownDone('c1', 'b'),
    ]);
  });

  it('rebuilds in a new panel exactly what a panel open throughout would show, however the run was split', () => {
    const all: RouterHostMessage[] = [];
    const store = new PendingComparisons();
    const send = (m: ComparisonStarted | ComparisonUpdate, open: boolean) => {
      all.push(m);
      if (m.type === 'comparisonStarted') store.start(m, open);
      else store.update(m, open);
    };
    // The panel is open for the start and a little text, then closed for the rest of the run.
    send(started('c1'), true);
    send(delta('c1', 'a', 'Use a '), true);
    send(delta('c1', 'b', 'Debounce '), false);
    send(delta('c1', 'a', 'timer.'), false);
    send(started('c2', T + 5), false);
    send(done('c1', 'a'), false);
    send(delta('c1', 'b', 'with setTimeout.'), false);
    send(done('c1', 'b', { error: 'Side B failed; see the Switchboard log for details.' }), false);
    send(delta('c2', 'a', 'x'), false);
    const replayed = cards(store.replay());
    assert.deepEqual(replayed, cards(all));
    assert.deepEqual(replayed.get('c1'), {
      prompt: 'prompt for c1',
      a: 'Use a timer.',
      b: 'Debounce with setTimeout.',
      doneA: true,
      doneB: true,
      error: 'Side B failed; see the Switchboard log for details.',
    });
    assert.deepEqual([...replayed.keys()], ['c1', 'c2'], 'oldest first, so the newest card ends up on top');
  });

  it('leaves out an empty answer but still replays its finished side', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), true);
    store.update(delta('c1', 'a', 'only A wrote'), true);
    store.update(done('c1', 'b', { error: 'Side B failed; see the Switchboard log for details.' }), true);
    assert.deepEqual(
      store.replay().map((m) => [m.type, 'side' in m ? m.side : '-']),
      [
        ['comparisonStarted', '-'],
        ['comparisonDelta', 'a'],
        ['comparisonSideDone', 'b'],
      ],
    );
  });

  it('ignores updates for comparisons it does not keep, and text after a side finished', () => {
    const store = new PendingComparisons();
    store.update(delta('ghost', 'a', 'boo'), false);
    assert.equal(store.size, 0);
    assert.deepEqual(store.replay(), []);
    store.start(started('c1'), true);
    store.update(delta('c1', 'a', 'done.'), true);
    store.update(done('c1', 'a'), true);
    store.update(delta('c1', 'a', ' late'), false);
    store.update(done('c1', 'a', { error: 'second done' }), false);
    assert.deepEqual(cards(store.replay()).get('c1'), {
      prompt: 'prompt for c1',
      a: 'done.',
      b: '',
      doneA: true,
      doneB: false,
      error: undefined,
    });
    assert.equal(store.needsAttention(), true, 'side B still running');
  });

  it('starting the same comparison twice keeps the first and its text', () => {
    const store = new PendingComparisons();
    store.start(started('c1', T), true);
    store.update(delta('c1', 'a', 'kept'), true);
    assert.deepEqual(store.start(started('c1', T + 1000), true), []);
    assert.equal(store.size, 1);
    const replay = store.replay();
    assert.equal(replay[0].type === 'comparisonStarted' && replay[0].startedAt, T);
    assert.equal(cards(replay).get('c1')?.a, 'kept');
  });

  it('wants the Feel tab while a side is running, or once something happened that no panel showed', () => {
    const store = new PendingComparisons();
    assert.equal(store.needsAttention(), false, 'nothing kept');
    store.start(started('c1'), true);
    assert.equal(store.running(), true);
    assert.equal(store.needsAttention(), true, 'running');
    store.update(done('c1', 'a'), true);
    store.update(done('c1', 'b'), true);
    assert.equal(store.running(), false);
    assert.equal(store.needsAttention(), false, 'finished while a panel showed it');

    store.start(started('c2'), true);
    store.update(done('c2', 'a'), true);
    store.update(done('c2', 'b'), false);
    assert.equal(store.running(), false);
    assert.equal(store.needsAttention(), true, 'finished while no panel was open');
    store.markShown();
    assert.equal(store.needsAttention(), false, 'a reopened panel received it');
    assert.equal(store.size, 2, 'shown cards are still kept until voted on');

    store.start(started('c3'), false);
    store.update(done('c3', 'a'), true);
    store.update(done('c3', 'b'), true);
    assert.equal(store.needsAttention(), true, 'its start was never shown');
  });

  it('forgets a comparison once it is voted on', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), false);
    store.start(started('c2'), false);
    assert.equal(store.end('c1'), true);
    assert.equal(store.end('c1'), false);
    assert.equal(store.has('c1'), false);
    assert.deepEqual([...cards(store.replay()).keys()], ['c2']);
    store.update(done('c2', 'a'), true);
    store.update(done('c2', 'b'), true);
    store.markShown();
    store.end('c2');
    assert.equal(store.needsAttention(), false);
    assert.deepEqual(store.replay(), []);
  });

  it(`keeps the newest ${MAX_PENDING_COMPARISONS} and names the ones it drops, oldest first`, () => {
    const store = new PendingComparisons();
    for (let i = 0; i < MAX_PENDING_COMPARISONS; i++) assert.deepEqual(store.start(started(`c${i}`, T + i), true), []);
    assert.deepEqual(store.start(started('new-1'), true), ['c0']);
    assert.equal(store.size, MAX_PENDING_COMPARISONS);
    const small = new PendingComparisons(2);
    small.start(started('x'), true);
    small.start(started('y'), true);
    small.end('x');
    assert.deepEqual(small.start(started('z'), true), [], 'a voted comparison no longer counts');
    assert.deepEqual(small.start(started('w'), true), ['y']);
    assert.deepEqual([...cards(small.replay()).keys()], ['z', 'w']);
  });

  it('replays copies: changing what was posted does not change what is kept', () => {
    const store = new PendingComparisons();
    const start = started('c1');
    store.start(start, true);
    start.prompt = 'changed by the caller';
    store.update(delta('c1', 'a', 'text'), true);
    const first = store.replay();
    for (const m of first) if (m.type === 'comparisonDelta') m.text = 'mutated';
    assert.deepEqual(store.replay(), [started('c1'), delta('c1', 'a', 'text')]);
  });
});

/** Every figure a message would show before the vote: keys for cost, tokens or time, and "$…" or "… ms" in its strings. */
function figuresIn(message: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string' && /\$\s?\d|\d\s?(ms|s)\b/.test(value)) found.push(`${path}: ${value}`);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (/cost|usd|token|ms$|latency|duration|usage/i.test(key)) found.push(`${path}.${key}`);
      walk(inner, `${path}.${key}`);
    }
  };
  walk(message, 'message');
  return found;
}

describe('pending comparisons are blind until the vote', () => {
  it('posts no cost, token count or latency for a side before the vote, live or replayed into a new panel', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), true);
    const posted = [
      store.update(delta('c1', 'a', 'Use a timer.'), true),
      store.update(done('c1', 'a'), true),
      store.update(done('c1', 'b', { error: 'Side B failed (timed out); see the Switchboard log for details.' }), true),
    ];
    const replayed = store.replay();
    assert.deepEqual(replayed.flatMap(figuresIn), [], 'the replay into a reopened panel');
    assert.deepEqual(posted.flatMap(figuresIn), [], 'what the host posts as each side finishes');
    assert.deepEqual(
      replayed.map((m) => m.type),
      ['comparisonStarted', 'comparisonDelta', 'comparisonSideDone', 'comparisonSideDone'],
    );
  });
});

describe('pending comparisons reveal the figures with the vote', () => {
  it("keeps each side's cost, tokens and latency for the reveal, copies only, until the comparison ends", () => {
    const store = new PendingComparisons();
    store.start(started('c1'), true);
    assert.deepEqual(store.figures('c1'), { a: null, b: null }, 'nothing finished yet');
    store.update(done('c1', 'a'), true);
    const kept = store.figures('c1');
    assert.deepEqual(kept, { a: figures('a'), b: null });
    if (kept?.a) kept.a.costUsd = 99;
    store.update(done('c1', 'b'), false);
    assert.deepEqual(store.figures('c1'), { a: figures('a'), b: figures('b') });
    assert.equal(store.figures('ghost'), undefined);
    store.end('c1');
    assert.equal(store.figures('c1'), undefined, 'a voted comparison keeps nothing');
  });

  it('tells which side was faster, without numbers, with the side that finished second; within 10 % is the same', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), true);
    assert.deepEqual(store.update(done('c1', 'b', { totalMs: 1840 }), true), shownDone('c1', 'b'));
    assert.deepEqual(store.update(done('c1', 'a', { totalMs: 2310 }), true), shownDone('c1', 'a', { faster: 'b' }));
    store.start(started('c2'), true);
    store.update(done('c2', 'a', { totalMs: 1000 }), true);
    assert.deepEqual(store.update(done('c2', 'b', { totalMs: 1100 }), true), shownDone('c2', 'b', { faster: 'same' }));
    assert.deepEqual(
      store.replay().filter((m) => m.type === 'comparisonSideDone'),
      [shownDone('c1', 'a', { faster: 'b' }), shownDone('c1', 'b'), shownDone('c2', 'a'), shownDone('c2', 'b', { faster: 'same' })],
    );
  });

  it('says nothing about speed when a side failed, and the failure still reaches the card', () => {
    const store = new PendingComparisons();
    store.start(started('c1'), true);
    store.update(done('c1', 'a', { totalMs: 200 }), true);
    const error = 'Side B failed (timed out); see the Switchboard log for details.';
    assert.deepEqual(store.update(done('c1', 'b', { error }), true), shownDone('c1', 'b', { error }));
  });

  it('blinds a finished side even for a comparison it does not keep', () => {
    const store = new PendingComparisons();
    assert.deepEqual(store.update(done('ghost', 'a'), true), shownDone('ghost', 'a'));
  });
});

describe('sideFailureText', () => {
  const runError = (kind: RoutedRunError['kind'], model = 'claude-sonnet-5-5') =>
    new RoutedRunError({
      message: `${model} overloaded: Anthropic (claude-sonnet-5-5) is overloaded`,
      hops: [{ from: model, to: null, kind: kind as HopKind, message: `${model} failed`, text: `${model} failed → no fallback left` }],
      outputStarted: false,
      model: { id: model, provider: 'anthropic', model, tier: 'frontier', contextWindow: 200_000 },
      kind,
    });

  it('names the kind of failure in words', () => {
    assert.equal(sideFailureText('a', runError('overloaded')), 'Side A failed (overloaded); see the Switchboard log for details.');
    assert.equal(sideFailureText('b', runError('timeout')), 'Side B failed (timed out); see the Switchboard log for details.');
    assert.equal(sideFailureText('a', runError('rateLimit')), 'Side A failed (rate-limited); see the Switchboard log for details.');
    assert.equal(
      sideFailureText('b', runError('auth')),
      'Side B failed (the provider refused the key); see the Switchboard log for details.',
    );
    assert.match(
      sideFailureText('a', new ProviderError({ kind: 'network', provider: 'openai', model: 'gpt-6-luna', message: 'reset' })),
      /^Side A failed \(could not connect\)/,
    );
    assert.match(sideFailureText('a', new TypeError('x is not a function')), /^Side A failed \(unexpected error\)/);
  });

  it('never names the model or its provider before the vote', () => {
    const kinds: RoutedRunError['kind'][] = [
      'rateLimit',
      'overloaded',
      'server',
      'network',
      'timeout',
      'auth',
      'notFound',
      'contextTooLong',
      'badResponse',
      'coolingDown',
      'unavailable',
      'noCandidate',
      'internal',
    ];
    for (const kind of kinds) {
      const text = sideFailureText('a', runError(kind));
      assert.doesNotMatch(text, /claude|sonnet|anthropic|openai|gpt|ollama|undefined/i, text);
    }
  });
});
