// The host side of a webview: one handshake policy (queue until the reply to `ready`, then flush in order), validation
// before any handler, fresh handshakes for re-created views, and log lines that cannot be forged or flood the log.
import { strict as assert } from 'node:assert';
import { WebviewChannel } from '../../../src/vscode/webviewChannel';
import type { MessageCheck, WebviewChannelOptions } from '../../../src/vscode/webviewChannel';
import { checkChatWebviewMessage } from '../../../src/shared/protocol';
import type { ChatHostMessage, ChatWebviewMessage } from '../../../src/shared/protocol';
import { LOG_LINES_PER_WINDOW, LOG_RATE_WINDOW_MS } from '../../../src/core/logRateLimit';
import { FakeTime } from '../completion/fakeTime';
import { FakeWebview, LinesLogger } from '../../support/fakeWebview';

type Out = { type: 'init' } | { type: 'note'; n: number };
type In = { type: 'ready' } | { type: 'ping'; n: number };

function checkIn(raw: unknown): MessageCheck<In> {
  const m = raw as Partial<{ type: unknown; n: unknown }> | null;
  if (m?.type === 'ready') return { ok: true, message: { type: 'ready' } };
  if (m?.type === 'ping' && typeof m.n === 'number') return { ok: true, message: { type: 'ping', n: m.n } };
  return { ok: false, problem: 'message: not a test message' };
}

function setup(options: Partial<WebviewChannelOptions<Out, In>> = {}) {
  const time = new FakeTime();
  const logger = new LinesLogger();
  const received: In[] = [];
  let replies = 0;
  const channel = new WebviewChannel<Out, In>({
    logPrefix: 'test',
    source: 'the test view',
    logger,
    check: checkIn,
    replyToReady: () => [{ type: 'init' }, { type: 'note', n: -++replies }],
    onMessage: (m) => void received.push(m),
    clock: time,
    timers: time,
    ...options,
  });
  return { time, logger, received, channel };
}

const notes = (posted: Out[]): number[] => posted.flatMap((m) => (m.type === 'note' && m.n >= 0 ? [m.n] : []));

describe('WebviewChannel', () => {
  it('posts nothing before ready; what was posted meanwhile follows the reply to ready, in order, none dropped', () => {
    const { channel } = setup();
    const view = new FakeWebview<Out>();
    channel.post({ type: 'note', n: 0 });
    channel.attach(view);
    for (let n = 1; n < 500; n++) channel.post({ type: 'note', n });
    assert.deepEqual(view.posted, []);
    assert.equal(channel.isReady, false);
    view.send({ type: 'ready' });
    assert.equal(channel.isReady, true);
    assert.deepEqual(view.posted.slice(0, 2), [{ type: 'init' }, { type: 'note', n: -1 }]);
    assert.deepEqual(
      notes(view.posted),
      Array.from({ length: 500 }, (_, n) => n),
    );
    channel.post({ type: 'note', n: 500 });
    assert.deepEqual(view.posted.at(-1), { type: 'note', n: 500 }, 'a ready view gets posts at once');
  });

  it('hands valid messages to the handler only after ready; earlier ones are logged, not handled', () => {
    const { channel, received, logger } = setup();
    const view = new FakeWebview<Out>();
    channel.attach(view);
    view.send({ type: 'ping', n: 1 });
    assert.deepEqual(received, []);
    assert.match(logger.lines[0].text, /^test: ignored "ping" from the test view before it was ready$/);
    view.send({ type: 'ready' });
    view.send({ type: 'ping', n: 2 });
    assert.deepEqual(received, [{ type: 'ping', n: 2 }]);
  });

  it('never lets an invalid message reach the handler, and logs why', () => {
    const { channel, received, logger } = setup();
    const view = new FakeWebview<Out>();
    channel.attach(view);
    view.send({ type: 'ready' });
    for (const bad of [null, 'ready', { type: 'ping' }, { type: 'pong', n: 1 }, [{ type: 'ready' }]]) view.send(bad);
    assert.deepEqual(received, []);
    assert.equal(logger.lines.length, LOG_LINES_PER_WINDOW);
    assert.equal(logger.lines[0].text, 'test: ignored a message from the test view (message: not a test message)');
  });

  it('gives a re-attached view a fresh handshake, and stops hearing the old one', () => {
    const { channel, received } = setup();
    const first = new FakeWebview<Out>();
    channel.attach(first);
    first.send({ type: 'ready' });
    channel.post({ type: 'note', n: 1 });
    const second = new FakeWebview<Out>();
    channel.attach(second);
    assert.equal(first.listenerCount, 0);
    assert.equal(channel.isReady, false);
    channel.post({ type: 'note', n: 2 });
    first.send({ type: 'ping', n: 9 });
    assert.deepEqual(received, [], 'the old view is not heard');
    assert.deepEqual(notes(first.posted), [1]);
    assert.deepEqual(second.posted, []);
    second.send({ type: 'ready' });
    assert.deepEqual(second.posted, [{ type: 'init' }, { type: 'note', n: -2 }, { type: 'note', n: 2 }]);
    second.send({ type: 'ping', n: 3 });
    assert.deepEqual(received, [{ type: 'ping', n: 3 }]);
  });

  it('answers a second ready (a reload) with a new reply', () => {
    const { channel } = setup();
    const view = new FakeWebview<Out>();
    channel.attach(view);
    view.send({ type: 'ready' });
    view.send({ type: 'ready' });
    assert.deepEqual(view.posted, [{ type: 'init' }, { type: 'note', n: -1 }, { type: 'init' }, { type: 'note', n: -2 }]);
  });

  it('detaching lets the view go; posts wait for the next view', () => {
    const { channel } = setup();
    const view = new FakeWebview<Out>();
    const attached = channel.attach(view);
    view.send({ type: 'ready' });
    attached.dispose();
    assert.equal(view.listenerCount, 0);
    assert.equal(channel.isReady, false);
    channel.post({ type: 'note', n: 7 });
    assert.deepEqual(notes(view.posted), []);
    const next = new FakeWebview<Out>();
    channel.attach(next);
    next.send({ type: 'ready' });
    assert.deepEqual(notes(next.posted), [7]);
  });

  it('waits for prepare: posts meanwhile queue behind the reply; a view replaced meanwhile gets no stale reply', async () => {
    let finish: () => void = () => undefined;
    const { channel, received } = setup({ prepare: () => new Promise<void>((resolve) => (finish = resolve)) });
    const view = new FakeWebview<Out>();
    channel.attach(view);
    view.send({ type: 'ready' });
    view.send({ type: 'ping', n: 1 });
    assert.deepEqual(received, [{ type: 'ping', n: 1 }], 'messages after ready reach the handler while the reply is prepared');
    channel.post({ type: 'note', n: 1 });
    assert.deepEqual(view.posted, []);
    finish();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(view.posted, [{ type: 'init' }, { type: 'note', n: -1 }, { type: 'note', n: 1 }]);

    const replaced = new FakeWebview<Out>();
    channel.attach(replaced);
    replaced.send({ type: 'ready' });
    const newer = new FakeWebview<Out>();
    channel.attach(newer);
    finish();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(replaced.posted, [], 'the replaced view got no reply');
    assert.equal(channel.isReady, false);
  });

  it('keeps at most the newest maxQueued posts and says so once', () => {
    const { channel, logger } = setup({ maxQueued: 10 });
    for (let n = 0; n < 25; n++) channel.post({ type: 'note', n });
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0].text, /more than 10 messages waited for the test view to be ready; the oldest are let go/);
    const view = new FakeWebview<Out>();
    channel.attach(view);
    view.send({ type: 'ready' });
    assert.deepEqual(
      notes(view.posted),
      Array.from({ length: 10 }, (_, i) => 15 + i),
    );
  });

  describe('log lines from the real chat protocol', () => {
    function chatSetup() {
      const time = new FakeTime();
      const logger = new LinesLogger();
      const channel = new WebviewChannel<ChatHostMessage, ChatWebviewMessage>({
        logPrefix: 'chat',
        source: 'the chat view',
        logger,
        check: checkChatWebviewMessage,
        replyToReady: () => [],
        onMessage: () => undefined,
        clock: time,
        timers: time,
      });
      const view = new FakeWebview<ChatHostMessage>();
      channel.attach(view);
      view.send({ type: 'ready' });
      return { time, logger, channel, view };
    }

    it('a key containing a newline does not produce a newline in the logged line', () => {
      const { logger, view } = chatSetup();
      view.send(JSON.parse('{"type":"ready","x\\n2026-12-02 10:00:00.000 [error] forged":1}'));
      view.send({ type: 'send', id: 'q', text: 'hi', pin: { modelId: 'm', scope: 'next', 'a\u2028b\r\nc': 1 } });
      assert.equal(logger.lines.length, 2);
      for (const { text } of logger.lines) assert.doesNotMatch(text, /[\n\r\u2028\u2029]/, JSON.stringify(text));
    });

    it('a 1 MB key name gives a line under 300 characters', () => {
      const { logger, view } = chatSetup();
      const raw: Record<string, unknown> = { type: 'ready' };
      raw['k'.repeat(1_000_000)] = 1;
      view.send(raw);
      view.send({ type: 'copyCode', code: 'x', turnId: 'k'.repeat(1_000_000) });
      assert.equal(logger.lines.length, 2);
      for (const { text } of logger.lines) assert.ok(text.length < 300, `${text.length} chars`);
    });

    it('200,000 bad messages produce at most a handful of log lines, the last one counting the rest', async () => {
      const { time, logger, view, channel } = chatSetup();
      for (let i = 0; i < 200_000; i++) view.send(i % 2 ? { type: 'nope' } : null);
      await time.advance(LOG_RATE_WINDOW_MS);
      assert.ok(logger.lines.length <= LOG_LINES_PER_WINDOW + 1, `${logger.lines.length} lines`);
      assert.equal(
        logger.lines.at(-1)?.text,
        `chat: … ${(200_000 - LOG_LINES_PER_WINDOW).toLocaleString('en-US')} more ignored messages from the chat view in the last minute`,
      );
      channel.dispose();
      assert.equal(time.timerCount, 0);
    });
  });
});
