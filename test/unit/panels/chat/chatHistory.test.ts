import assert from 'node:assert/strict';
import {
  MAX_HISTORY_TURNS,
  MAX_STORED_ANSWER_CHARS,
  boundHistory,
  readStoredHistory,
  toStoredHistory,
} from '../../../../src/panels/chat/chatHistory';
import type { ChatTurn } from '../../../../src/shared/protocol';

const turn = (i: number, extra: Partial<ChatTurn> = {}): ChatTurn => ({ id: `t${i}`, userText: `q${i}`, answerText: `a${i}`, ...extra });

describe('chat history in workspace state', () => {
  it('keeps the newest turns only', () => {
    const turns = Array.from({ length: MAX_HISTORY_TURNS + 7 }, (_, i) => turn(i));
    const kept = boundHistory(turns);
    assert.equal(kept.length, MAX_HISTORY_TURNS);
    assert.equal(kept[0].id, 't7');
    assert.equal(kept[kept.length - 1].id, `t${MAX_HISTORY_TURNS + 6}`);
  });

  it('cuts an over-long answer and says so, leaving others as they are', () => {
    const long = turn(1, { answerText: 'x'.repeat(MAX_STORED_ANSWER_CHARS + 10) });
    const short = turn(2);
    const [a, b] = boundHistory([long, short]);
    assert.equal(a.answerText.slice(0, MAX_STORED_ANSWER_CHARS), 'x'.repeat(MAX_STORED_ANSWER_CHARS));
    assert.match(a.answerText, /the rest of this answer was not kept\)$/);
    assert.equal(b, short);
  });

  it('round-trips through storage', () => {
    const turns = [turn(1), turn(2, { error: { message: 'OpenAI is overloaded; try again shortly.' } })];
    assert.deepEqual(readStoredHistory(JSON.parse(JSON.stringify(toStoredHistory(turns)))), turns);
  });

  it('reads damaged or foreign state as empty or without the bad turns, never throwing', () => {
    for (const raw of [undefined, null, 42, 'x', [], { version: 2, turns: [] }, { version: 1, turns: 'no' }])
      assert.deepEqual(readStoredHistory(raw), []);
    const got = readStoredHistory({
      version: 1,
      turns: [
        turn(1),
        { id: 'bad id with spaces', userText: 'q', answerText: 'a' },
        { id: 't3', userText: 5, answerText: 'a' },
        turn(1),
        null,
        turn(4, { meta: { nonsense: true } as never }),
      ],
    });
    assert.deepEqual(
      got.map((t) => t.id),
      ['t1', 't4'],
    );
    assert.equal(got[1].meta, undefined);
  });

  it('drops error actions from storage (a stored command must not be replayed as a button)', () => {
    const stored = { version: 1, turns: [turn(1, { error: { message: 'm', actions: [{ label: 'x', command: 'switchboard.showLog' }] } })] };
    assert.deepEqual(readStoredHistory(stored)[0].error, { message: 'm' });
  });
});
