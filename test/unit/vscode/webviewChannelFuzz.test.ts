// A seeded, bounded fuzz of both webview channels with the real protocol validators: malformed, oversized and
// prototype-polluting messages must leave a channel that still answers, an untouched Object.prototype and a clean log.
import { strict as assert } from 'node:assert';
import { WebviewChannel } from '../../../src/vscode/webviewChannel';
import type { MessageCheck } from '../../../src/vscode/webviewChannel';
import { checkChatWebviewMessage } from '../../../src/shared/protocol';
import { checkRouterWebviewMessage } from '../../../src/shared/routerProtocol';
import { seededRng } from '../../../src/core/ratings/blinding';
import { LOG_RATE_WINDOW_MS } from '../../../src/core/logRateLimit';
import { MAX_LOGGED_VALUE_CHARS } from '../../../src/core/logText';
import { FakeTime } from '../completion/fakeTime';
import { FakeWebview, LinesLogger } from '../../support/fakeWebview';

const SEED = 0x5eed_1213;
const MESSAGES = 2_000;
/** The longest line a channel may log: its own words around one capped value. */
const MAX_LINE_CHARS = MAX_LOGGED_VALUE_CHARS + 100;

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

const MEGA = 'A'.repeat(1_000_000);
const MEGA_CONTROL = '\n[error] forged\r\u2028'.repeat(60_000);

function deep(levels: number): unknown {
  let value: unknown = { type: 'ready' };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}
const DEEP = deep(10_000);
const WIDE = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));

/** Message types of both protocols, with a few that are neither. */
const TYPES = ['ready', 'send', 'stop', 'copyCode', 'runCommand', 'setPin', 'setFilter', 'requestPage', 'vote', 'export', 'nope', ''];
const POLLUTING = [
  '{"__proto__":{"polluted":true},"type":"ready"}',
  '{"type":"ready","constructor":{"prototype":{"polluted":true}}}',
  '{"type":"ready","prototype":{"polluted":true}}',
  '{"type":"send","id":"q1","text":"hi","pin":{"__proto__":{"polluted":true},"modelId":"m","scope":"next"}}',
  '{"type":"setFilter","id":"f","filter":{"__proto__":{"polluted":true}}}',
  '{"type":"setFilter","id":"f","filter":{"constructor":{"prototype":{"polluted":true}}}}',
  '{"type":"vote","id":"v","comparisonId":"c","choice":"a","tags":[],"__proto__":{"polluted":true}}',
  '{"__proto__":{"type":"ready"}}',
];

function hostile(rng: Rng): unknown {
  const type = pick(rng, TYPES);
  switch (Math.floor(rng() * 12)) {
    case 0:
      return pick(rng, [null, undefined, 0, -1, NaN, true, '', 'ready', MEGA, [], [{ type: 'ready' }], () => 1]);
    case 1:
      return { type, id: pick(rng, [MEGA, MEGA_CONTROL, 'ok', 7, null]), text: pick(rng, [MEGA, MEGA_CONTROL, '', 1]) };
    case 2:
      return { type: pick(rng, [MEGA, MEGA_CONTROL, 'x\n2026-12-02 10:00:00.000 [error] forged', 42, null]) };
    case 3:
      return { type, [pick(rng, [MEGA, MEGA_CONTROL, 'a\nb', '\u001b[31m'])]: 1 };
    case 4:
      return { type, filter: DEEP, pin: DEEP, args: [DEEP] };
    case 5:
      return DEEP;
    case 6:
      return { ...WIDE, type };
    case 7:
      return { type, filter: WIDE, pin: WIDE };
    case 8:
      return JSON.parse(pick(rng, POLLUTING));
    case 9:
      return { type: 'runCommand', command: pick(rng, ['workbench.action.quit', MEGA_CONTROL, 'switchboard.setApiKey']), args: [MEGA] };
    case 10:
      return { type: 'requestPage', id: 'p', offset: pick(rng, [-1, 1e300, NaN, 0.5]), limit: pick(rng, [0, 1e9, '1']) };
    default:
      return new Map([['type', type]]);
  }
}

interface Target {
  name: string;
  check(raw: unknown): MessageCheck<{ type: string }>;
  /** A valid message and the answer its handler posts. */
  valid: { type: string } & Record<string, unknown>;
}

const targets: Target[] = [
  { name: 'chat view', check: checkChatWebviewMessage, valid: { type: 'stop', id: 'q1' } },
  { name: 'router panel', check: checkRouterWebviewMessage, valid: { type: 'requestPage', id: 'p1', offset: 0, limit: 10 } },
];

describe('webview channels under fuzz (seeded, bounded)', () => {
  for (const target of targets) {
    it(`the ${target.name}: ${MESSAGES} hostile messages, then a valid one still gets its answer`, async function () {
      this.timeout(10_000);
      const rng = seededRng(SEED);
      const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
      const time = new FakeTime();
      const logger = new LinesLogger();
      const handled: { type: string }[] = [];
      const channel = new WebviewChannel<{ type: string; replyTo?: string }, { type: string }>({
        logPrefix: target.name,
        source: `the ${target.name}`,
        logger,
        check: target.check,
        replyToReady: () => [{ type: 'init' }],
        onMessage: (message) => {
          handled.push(message);
          channel.post({ type: 'answer', replyTo: message.type });
        },
        clock: time,
        timers: time,
      });
      const view = new FakeWebview<{ type: string; replyTo?: string }>();
      channel.attach(view);
      const started = performance.now();
      for (let i = 0; i < MESSAGES; i++) {
        view.send(hostile(rng));
        if (i === MESSAGES / 2) view.send({ type: 'ready' });
      }
      const fuzzMs = performance.now() - started;

      view.send(target.valid);
      assert.deepEqual(view.posted.at(-1), { type: 'answer', replyTo: target.valid.type });
      assert.ok(
        handled.every((m) => m.type !== 'ready' && target.check(m).ok),
        'only valid messages reached the handler',
      );
      await time.advance(LOG_RATE_WINDOW_MS);
      channel.dispose();

      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.ok(logger.lines.length > 0 && logger.lines.length <= 20, `${logger.lines.length} log lines`);
      for (const { text } of logger.lines) {
        // eslint-disable-next-line no-control-regex -- finding raw control characters is the point
        assert.doesNotMatch(text, /[\n\r\u2028\u2029\u001b]/, `raw control character in ${JSON.stringify(text.slice(0, 120))}`);
        assert.ok(text.length <= MAX_LINE_CHARS, `a ${text.length}-char line`);
      }
      assert.match(logger.lines.at(-1)!.text, /more ignored messages from the .* in the last minute$/);
      // A guard against work that grows with the flood (about 1 s here on a loaded 2-core machine), not a speed figure.
      assert.ok(fuzzMs < 10_000, `the fuzz took ${Math.round(fuzzMs)} ms`);
    });
  }
});
