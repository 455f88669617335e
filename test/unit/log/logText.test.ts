// Values from outside cannot forge or flood log lines.
import { strict as assert } from 'node:assert';
import { logLine, logValue, MAX_LOG_LINE_CHARS, MAX_LOGGED_VALUE_CHARS } from '../../../src/core/logText';

describe('logValue / logLine', () => {
  it('keeps ordinary text as it is', () => {
    assert.equal(logValue('model "gpt-4.1-mini" is not defined'), 'model "gpt-4.1-mini" is not defined');
    assert.equal(logValue(42), '42');
  });

  it('escapes newlines and other control characters, so a value cannot start a forged line', () => {
    const forged = 'x\n2026-12-02 10:00:00.000 [error] API key leaked\r\u001b[31m\u2028end';
    const out = logValue(forged);
    for (const ch of ['\n', '\r', '\u001b', '\u2028']) assert.ok(!out.includes(ch), out);
    assert.equal(out, 'x\\n2026-12-02 10:00:00.000 [error] API key leaked\\r\\u001b[31m\\u2028end');
  });

  it('caps a value at 200 characters and says how long it was', () => {
    const huge = 'k'.repeat(1_000_000);
    const out = logValue(huge);
    assert.equal(out, `${'k'.repeat(MAX_LOGGED_VALUE_CHARS)}…(1000000 chars in all)`);
  });

  it('caps after escaping too: a value of newlines cannot grow past the cap', () => {
    const out = logValue('\n'.repeat(150));
    assert.ok(out.startsWith('\\n'.repeat(100)), out);
    assert.ok(out.length <= MAX_LOGGED_VALUE_CHARS + 30, `${out.length}`);
    assert.match(out, /…\(150 chars in all\)$/);
  });

  it('a whole line has a larger cap and stays one line', () => {
    const line = logLine(`chat: failed\n${'e'.repeat(20_000)}`);
    assert.ok(!line.includes('\n'));
    assert.ok(line.length <= MAX_LOG_LINE_CHARS + 30);
    assert.ok(line.startsWith('chat: failed\\n'));
  });
});
