// A flood of lines about one source costs a handful of log lines, and the count is never lost.
import { strict as assert } from 'node:assert';
import { LOG_LINES_PER_WINDOW, LOG_RATE_WINDOW_MS, RateLimitedLog } from '../../../src/core/logRateLimit';
import { FakeTime } from '../completion/fakeTime';

function setup(): { time: FakeTime; lines: string[]; log: RateLimitedLog } {
  const time = new FakeTime();
  const lines: string[] = [];
  const log = new RateLimitedLog({
    clock: time,
    timers: time,
    write: (line) => lines.push(line),
    summary: (count) => `… ${count.toLocaleString('en-US')} more`,
  });
  return { time, lines, log };
}

describe('RateLimitedLog', () => {
  it('writes the first few lines of a window, then counts the rest into one summary at the window end', async () => {
    const { time, lines, log } = setup();
    const written = Array.from({ length: 1_234 + LOG_LINES_PER_WINDOW }, (_, i) => log.write(() => `line ${i}`));
    assert.deepEqual(
      lines,
      Array.from({ length: LOG_LINES_PER_WINDOW }, (_, i) => `line ${i}`),
    );
    assert.equal(written.filter(Boolean).length, LOG_LINES_PER_WINDOW);
    await time.advance(LOG_RATE_WINDOW_MS - 1);
    assert.equal(lines.length, LOG_LINES_PER_WINDOW, 'no summary before the window ends');
    await time.advance(1);
    assert.equal(lines.at(-1), '… 1,234 more');
    assert.equal(time.timerCount, 0);
  });

  it('never builds a line it holds back', () => {
    const { log } = setup();
    let built = 0;
    for (let i = 0; i < 100; i++) log.write(() => `line ${++built}`);
    assert.equal(built, LOG_LINES_PER_WINDOW);
  });

  it('starts a new window after one has passed, writing the last window’s summary first (if no timer did)', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog({
      clock: { monotonic: () => now },
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      write: (line) => lines.push(line),
      summary: (count) => `… ${count} more`,
    });
    for (let i = 0; i < 10; i++) log.write(() => 'a');
    now = LOG_RATE_WINDOW_MS;
    log.write(() => 'b');
    assert.deepEqual(lines.slice(LOG_LINES_PER_WINDOW), ['… 5 more', 'b']);
  });

  it('200,000 lines in a minute make at most a handful of log lines', async () => {
    const { time, lines, log } = setup();
    for (let i = 0; i < 200_000; i++) log.write(() => `bad ${i}`);
    await time.advance(LOG_RATE_WINDOW_MS);
    assert.ok(lines.length <= LOG_LINES_PER_WINDOW + 1, `${lines.length} lines`);
    assert.equal(lines.at(-1), `… ${(200_000 - LOG_LINES_PER_WINDOW).toLocaleString('en-US')} more`);
  });

  it('flush writes what is held back at once (when the source goes away) and cancels the timer', () => {
    const { time, lines, log } = setup();
    for (let i = 0; i < LOG_LINES_PER_WINDOW + 3; i++) log.write(() => 'x');
    log.flush();
    assert.equal(lines.at(-1), '… 3 more');
    assert.equal(time.timerCount, 0);
    log.flush();
    assert.equal(lines.length, LOG_LINES_PER_WINDOW + 1, 'nothing more to report');
  });
});
