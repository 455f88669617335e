import assert from 'node:assert/strict';
import type { RouterHostMessage, RouterHostMessageOf } from '../../../src/shared/routerProtocol';
import { MAX_PAGE_LIMIT, ROUTER_TABS, checkRouterWebviewMessage, parseRouterWebviewMessage } from '../../../src/shared/routerProtocol';

function accepts(raw: unknown): void {
  const r = checkRouterWebviewMessage(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw)} to be accepted, got: ${r.ok ? '' : r.problem}`);
  assert.deepEqual(r.message, raw);
  assert.deepEqual(parseRouterWebviewMessage(raw), raw);
}

function rejects(raw: unknown, why?: RegExp): void {
  const r = checkRouterWebviewMessage(raw);
  assert.equal(r.ok, false, `expected ${safe(raw)} to be rejected`);
  if (!r.ok && why) assert.match(r.problem, why);
  assert.equal(parseRouterWebviewMessage(raw), undefined);
}

function safe(raw: unknown): string {
  try {
    return JSON.stringify(raw)?.slice(0, 120) ?? String(raw);
  } catch {
    return String(raw);
  }
}

describe('router panel protocol: webview → host validation', () => {
  describe('accepts well-formed messages', () => {
    const valid: unknown[] = [
      { type: 'ready' },
      { type: 'setFilter', id: '1', filter: {} },
      {
        type: 'setFilter',
        id: 'f-2',
        filter: { task: 'completion', model: 'qwen2.5-coder:1.5b-base', tier: 'local', outcome: 'accepted', workspace: '/home/dev/shop' },
      },
      { type: 'setFilter', id: '3', filter: { workspace: null } },
      { type: 'requestPage', id: 'p', offset: 0, limit: 1 },
      { type: 'requestPage', id: 'p', offset: 99_900, limit: MAX_PAGE_LIMIT },
      { type: 'setCostSplit', id: 's', split: 'tier' },
      { type: 'setCostSplit', id: 's', split: 'model' },
      { type: 'export', id: 'e', format: 'csv' },
      { type: 'export', id: 'e', format: 'json' },
      { type: 'vote', id: 'v', comparisonId: 'cmp-1', choice: 'a', tags: [] },
      { type: 'vote', id: 'v', comparisonId: 'cmp-1', choice: 'bothBad', tags: ['faster', 'correct', 'concise', 'style'] },
      { type: 'vote', id: 'v', comparisonId: 'cmp-1', choice: 'tie', tags: ['style'] },
      { type: 'applyProposal', id: 'a', task: 'edit' },
      { type: 'setAutoApply', id: 'x', enabled: false },
      { type: 'compareDrift', id: 'd', modelId: 'claude-sonnet-5-5' },
    ];
    for (const msg of valid) it(safe(msg), () => accepts(msg));
  });

  describe('rejects what is not a message object', () => {
    const cases: [string, unknown][] = [
      ['undefined', undefined],
      ['null', null],
      ['a string', 'ready'],
      ['a number', 42],
      ['an array', [{ type: 'ready' }]],
      ['a boxed object', new Date()],
      [
        'a class instance',
        new (class Ready {
          type = 'ready';
        })(),
      ],
      ['too many keys', Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))],
    ];
    for (const [what, raw] of cases) it(what, () => rejects(raw, /^message: /));
  });

  describe('rejects unknown and malformed messages', () => {
    const cases: [string, unknown, RegExp?][] = [
      ['no type', { id: '1' }],
      ['unknown type', { type: 'deleteEverything', id: '1' }],
      ['type of the wrong kind', { type: 7 }],
      ['ready with extra fields', { type: 'ready', id: 'x' }],
      ['missing id', { type: 'setFilter', filter: {} }, /id/],
      ['empty id', { type: 'setFilter', id: '', filter: {} }, /id/],
      ['id with selector characters', { type: 'setFilter', id: 'a"]; x', filter: {} }, /id/],
      ['numeric id', { type: 'requestPage', id: 1, offset: 0, limit: 10 }, /id/],
      ['overlong id', { type: 'requestPage', id: 'x'.repeat(65), offset: 0, limit: 10 }, /id/],
      ['filter not an object', { type: 'setFilter', id: '1', filter: 'task=edit' }, /filter/],
      ['unknown filter key', { type: 'setFilter', id: '1', filter: { language: 'go' } }, /filter/],
      ['unknown task', { type: 'setFilter', id: '1', filter: { task: 'deploy' } }, /filter\.task/],
      ['unknown tier', { type: 'setFilter', id: '1', filter: { tier: 'premium' } }, /filter\.tier/],
      ['unknown outcome', { type: 'setFilter', id: '1', filter: { outcome: 'maybe' } }, /filter\.outcome/],
      ['empty model', { type: 'setFilter', id: '1', filter: { model: '' } }, /filter\.model/],
      ['model with control characters', { type: 'setFilter', id: '1', filter: { model: 'gpt\u0000' } }, /filter\.model/],
      ['oversized model', { type: 'setFilter', id: '1', filter: { model: 'm'.repeat(257) } }, /filter\.model/],
      ['oversized workspace', { type: 'setFilter', id: '1', filter: { workspace: '/'.repeat(1025) } }, /filter\.workspace/],
      ['numeric workspace', { type: 'setFilter', id: '1', filter: { workspace: 3 } }, /filter\.workspace/],
      ['negative offset', { type: 'requestPage', id: 'p', offset: -1, limit: 10 }, /offset/],
      ['fractional offset', { type: 'requestPage', id: 'p', offset: 1.5, limit: 10 }, /offset/],
      ['string offset', { type: 'requestPage', id: 'p', offset: '0', limit: 10 }, /offset/],
      ['NaN offset', { type: 'requestPage', id: 'p', offset: Number.NaN, limit: 10 }, /offset/],
      ['infinite offset', { type: 'requestPage', id: 'p', offset: Number.POSITIVE_INFINITY, limit: 10 }, /offset/],
      ['zero limit', { type: 'requestPage', id: 'p', offset: 0, limit: 0 }, /limit/],
      ['limit over 500', { type: 'requestPage', id: 'p', offset: 0, limit: MAX_PAGE_LIMIT + 1 }, /limit/],
      ['huge limit', { type: 'requestPage', id: 'p', offset: 0, limit: 1e9 }, /limit/],
      ['missing limit', { type: 'requestPage', id: 'p', offset: 0 }, /limit/],
      ['unknown split', { type: 'setCostSplit', id: 's', split: 'provider' }, /split/],
      ['unknown export format', { type: 'export', id: 'e', format: 'xlsx' }, /format/],
      ['export with a path (the host chooses it)', { type: 'export', id: 'e', format: 'csv', path: '/etc/passwd' }],
      ['vote with unknown choice', { type: 'vote', id: 'v', comparisonId: 'c', choice: 'c', tags: [] }, /choice/],
      ['vote with unknown tag', { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: ['cheaper'] }, /tags/],
      ['vote with repeated tags', { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: ['faster', 'faster'] }, /tags/],
      [
        'vote with too many tags',
        { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: ['faster', 'correct', 'concise', 'style', 'faster'] },
        /tags/,
      ],
      ['vote with tags not an array', { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: 'faster' }, /tags/],
      ['vote without tags', { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a' }, /tags/],
      [
        'vote naming a model (blinding is the host’s)',
        { type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: [], winner: 'gpt-6-luna' },
      ],
      ['vote with an empty comparison id', { type: 'vote', id: 'v', comparisonId: '', choice: 'a', tags: [] }, /comparisonId/],
      [
        'vote with an oversized comparison id',
        { type: 'vote', id: 'v', comparisonId: 'c'.repeat(129), choice: 'a', tags: [] },
        /comparisonId/,
      ],
      ['applyProposal with unknown task', { type: 'applyProposal', id: 'a', task: 'all' }, /task/],
      ['applyProposal carrying a route (the host proposes it)', { type: 'applyProposal', id: 'a', task: 'edit', route: ['x'] }],
      ['setAutoApply with a string', { type: 'setAutoApply', id: 'x', enabled: 'true' }, /enabled/],
      ['compareDrift without a model', { type: 'compareDrift', id: 'd' }, /modelId/],
      ['compareDrift with an oversized model', { type: 'compareDrift', id: 'd', modelId: 'm'.repeat(300) }, /modelId/],
      ['prototype pollution attempt', JSON.parse('{"type":"setFilter","id":"1","filter":{"__proto__":{"polluted":true}}}'), /filter/],
    ];
    for (const [what, raw, why] of cases) it(what, () => rejects(raw, why));
  });

  it('names the field and the rule, without echoing the content', () => {
    const r = checkRouterWebviewMessage({ type: 'requestPage', id: 'p', offset: 0, limit: 9999 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problem, /^limit: .*500/);
    const secret = 'sk-live-should-not-appear';
    const s = checkRouterWebviewMessage({ type: 'setFilter', id: 'f', filter: { model: secret + 'x'.repeat(300) } });
    assert.equal(s.ok, false);
    if (!s.ok) {
      assert.match(s.problem, /^filter\.model: /);
      assert.doesNotMatch(s.problem, /sk-live/);
    }
  });

  it('does not throw on hostile objects', () => {
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    assert.doesNotThrow(() => checkRouterWebviewMessage(throwing));
    assert.equal(parseRouterWebviewMessage(throwing), undefined);
    const getter = {
      type: 'ready',
      get id(): string {
        throw new Error('boom');
      },
    };
    assert.equal(parseRouterWebviewMessage(getter), undefined);
    assert.deepEqual(parseRouterWebviewMessage(Object.assign(Object.create(null), { type: 'ready' })), { type: 'ready' });
  });

  it('does not let a rejected message pollute Object.prototype', () => {
    parseRouterWebviewMessage(JSON.parse('{"__proto__":{"polluted":true},"type":"ready"}'));
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });
});

describe('router panel protocol: host → webview showTab', () => {
  it('names the three tabs in the order the panel shows them', () => {
    assert.deepEqual([...ROUTER_TABS], ['decisions', 'cost', 'feel']);
  });

  it('is a plain message that survives postMessage cloning unchanged', () => {
    const message: RouterHostMessageOf<'showTab'> = { type: 'showTab', tab: 'feel' };
    const asHost: RouterHostMessage = message;
    assert.deepEqual(structuredClone(asHost), { type: 'showTab', tab: 'feel' });
    assert.deepEqual(Object.keys(message), ['type', 'tab']);
  });

  it('is not something the webview may send to the host', () => {
    rejects({ type: 'showTab', tab: 'feel' });
  });
});
