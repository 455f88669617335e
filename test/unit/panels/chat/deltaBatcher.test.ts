import assert from 'node:assert/strict';
import { DeltaBatcher } from '../../../../src/panels/chat/deltaBatcher';
import type { BatchTimer } from '../../../../src/panels/chat/deltaBatcher';

/** A fake clock whose timers run when time is advanced. */
class FakeTimer implements BatchTimer {
  private t = 1000;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, callback, id });
    return id;
  }
  clear(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.callback();
    }
    this.t = until;
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe('delta batching', () => {
  it('sends the first piece at once, then at most one batch per interval', () => {
    const timer = new FakeTimer();
    const sent: string[] = [];
    const b = new DeltaBatcher((t) => sent.push(t), 16, timer);
    b.push('Hel');
    assert.deepEqual(sent, ['Hel']);
    b.push('lo');
    b.push(', ');
    timer.advance(15);
    assert.deepEqual(sent, ['Hel']);
    timer.advance(1);
    assert.deepEqual(sent, ['Hel', 'lo, ']);
    b.push('world');
    assert.deepEqual(sent, ['Hel', 'lo, ']);
    timer.advance(16);
    assert.deepEqual(sent, ['Hel', 'lo, ', 'world']);
    // After a quiet spell the next piece goes at once again.
    timer.advance(100);
    b.push('!');
    assert.deepEqual(sent, ['Hel', 'lo, ', 'world', '!']);
  });

  it('flushes what is pending on demand, and discard forgets it', () => {
    const timer = new FakeTimer();
    const sent: string[] = [];
    const b = new DeltaBatcher((t) => sent.push(t), 16, timer);
    b.push('a');
    b.push('b');
    b.flush();
    assert.deepEqual(sent, ['a', 'b']);
    assert.equal(timer.pending, 0);
    b.push('c');
    b.discard();
    timer.advance(50);
    assert.deepEqual(sent, ['a', 'b']);
    b.flush();
    assert.deepEqual(sent, ['a', 'b']);
  });

  it('ignores empty pieces', () => {
    const timer = new FakeTimer();
    const sent: string[] = [];
    const b = new DeltaBatcher((t) => sent.push(t), 16, timer);
    b.push('');
    b.flush();
    assert.deepEqual(sent, []);
  });
});
