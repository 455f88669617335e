// Both webview protocols refuse hostile message objects with a short, one-line problem that cannot forge or flood a log.
import { strict as assert } from 'node:assert';
import { checkChatWebviewMessage } from '../../../src/shared/protocol';
import { checkRouterWebviewMessage } from '../../../src/shared/routerProtocol';

type Check = (raw: unknown) => { ok: true } | { ok: false; problem: string };

const checks: [string, Check][] = [
  ['chat', checkChatWebviewMessage],
  ['router', checkRouterWebviewMessage],
];

function problemOf(check: Check, raw: unknown): string {
  const result = check(raw);
  assert.equal(result.ok, false, 'expected a rejection');
  return result.ok ? '' : result.problem;
}

function assertOneShortLine(problem: string): void {
  for (const ch of ['\n', '\r', '\u2028', '\u2029', '\u001b'])
    assert.ok(!problem.includes(ch), `raw control character in ${JSON.stringify(problem)}`);
  assert.ok(problem.length <= 200, `problem is ${problem.length} chars`);
}

describe('webview protocols: guards before and around the schema', () => {
  for (const [name, check] of checks) {
    describe(name, () => {
      it('a key containing a newline does not put a newline into the problem', () => {
        const raw: unknown = JSON.parse('{"type":"ready","x\\n2026-12-02 10:00:00.000 [error] forged line":1}');
        assertOneShortLine(problemOf(check, raw));
      });

      it('a 1 MB key name gives a short problem', () => {
        const raw: Record<string, unknown> = { type: 'ready' };
        raw['k'.repeat(1_000_000)] = 1;
        const problem = problemOf(check, raw);
        assertOneShortLine(problem);
        assert.ok(!problem.includes('kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'), problem.slice(0, 100));
      });

      it('an unknown key nested in a known field is not echoed raw either', () => {
        const nested =
          name === 'chat'
            ? { type: 'send', id: 'q1', text: 'hi', pin: { modelId: 'm', scope: 'next', ['a\nb'.repeat(1000)]: 1 } }
            : { type: 'setFilter', id: 'f', filter: { ['a\nb'.repeat(1000)]: 1 } };
        assertOneShortLine(problemOf(check, nested));
      });

      it('still names a plain unknown field, so a webview bug is easy to find', () => {
        assert.match(problemOf(check, { type: 'ready', turnID: 'x' }), /turnID/);
      });

      it('refuses 10,000 keys before the schema, without echoing them', () => {
        const raw: Record<string, unknown> = { type: 'ready' };
        for (let i = 0; i < 10_000; i++) raw[`key${i}`] = i;
        const problem = problemOf(check, raw);
        assert.match(problem, /^message: /);
        assert.ok(!problem.includes('key1'), problem);
        assertOneShortLine(problem);
      });

      it('refuses what is not a plain object, with a short problem', () => {
        for (const raw of [null, undefined, 'ready', 7, [{ type: 'ready' }], new Date(), new Map([['type', 'ready']])])
          assert.match(problemOf(check, raw), /^message: must be (an|a plain) object$/);
      });

      it('refuses __proto__, constructor and prototype keys without touching Object.prototype', () => {
        const before = Object.getOwnPropertyNames(Object.prototype).sort();
        for (const key of ['__proto__', 'constructor', 'prototype']) {
          const raw: unknown = JSON.parse(`{"type":"ready","${key}":{"polluted":true,"toString":1}}`);
          assertOneShortLine(problemOf(check, raw));
        }
        assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
        assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
      });
    });
  }
});
