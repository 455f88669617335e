import assert from 'node:assert/strict';
import type { KeyAnswer, KeyApproval, KeyDestination, KeyGateHost } from '../../../src/core/keyDestinations';
import {
  KeyGate,
  KeyWithheldError,
  apiKeyFor,
  isKeyWithheldError,
  judgeKeyDestination,
  keyDestinationFor,
  keySourceOf,
  originOf,
  parseApprovals,
  withApproval,
  withoutApproval,
} from '../../../src/core/keyDestinations';
import { isProviderError } from '../../../src/core/providers/provider';
import type { ProviderError } from '../../../src/core/providers/provider';
import { ProviderCache } from '../../../src/core/providers/providerCache';
import { createProvider } from '../../../src/core/providers/createProvider';
import { effectiveSettings } from '../../../src/core/settings/validate';
import type { ProviderKind } from '../../../src/core/types';
import { startOpenAIStandin } from '../../support/standins/openaiStandin';
import type { OpenAIStandin } from '../../support/standins/openaiStandin';
import { capturingLogger, collect } from '../../support/providerHarness';
import { systemClock } from '../../../src/core/ports';
import type { Ports } from '../../../src/core/ports';

const FOLDER = 'file:///home/me/repo';
const KEY = 'sk-user-openai-9Xk2LmQ7pR4t';
const ENV_KEY = 'sk-env-anthropic-3Hn8Vb1Qw6Zy';

const workspaceTo = (origin: string, setting = 'switchboard.endpoints.openai'): KeyDestination => ({ origin, setting, layer: 'workspace' });
const approval = (answer: KeyAnswer, over: Partial<KeyApproval> = {}): KeyApproval => ({
  folder: FOLDER,
  provider: 'openai',
  origin: 'https://x.example',
  answer,
  at: 1,
  ...over,
});

describe('keyDestinations: where a key may go', () => {
  describe('judgeKeyDestination', () => {
    it("sends to the provider's official origin, whichever layer named it", () => {
      assert.equal(judgeKeyDestination('openai', workspaceTo('https://api.openai.com'), [], FOLDER), 'send');
      assert.equal(
        judgeKeyDestination('anthropic', workspaceTo('https://api.anthropic.com', 'switchboard.endpoints.anthropic'), [], FOLDER),
        'send',
      );
      assert.equal(judgeKeyDestination('openai', { origin: 'https://api.openai.com', setting: 'x' }, [], FOLDER), 'send');
    });

    it("does not count another provider's official origin", () => {
      assert.equal(judgeKeyDestination('anthropic', workspaceTo('https://api.openai.com'), [], FOLDER), 'ask');
    });

    it("sends to an origin from the user's own settings or the defaults without asking", () => {
      for (const layer of ['user', 'default'] as const)
        assert.equal(judgeKeyDestination('openai', { origin: 'http://127.0.0.1:4000', setting: 's', layer }, [], FOLDER), 'send');
    });

    it("a workspace's origin: approved sends, declined withholds, unanswered asks", () => {
      const to = workspaceTo('https://x.example');
      assert.equal(judgeKeyDestination('openai', to, [approval('allow')], FOLDER), 'send');
      assert.equal(judgeKeyDestination('openai', to, [approval('deny')], FOLDER), 'withhold');
      assert.equal(judgeKeyDestination('openai', to, [], FOLDER), 'ask');
      assert.equal(judgeKeyDestination('openai', { ...to, layer: 'workspaceFolder' }, [], FOLDER), 'ask');
    });

    it('an answer counts only for its folder, provider and exact origin', () => {
      const to = workspaceTo('https://x.example');
      assert.equal(judgeKeyDestination('openai', to, [approval('allow', { folder: 'file:///other' })], FOLDER), 'ask');
      assert.equal(judgeKeyDestination('openai', to, [approval('allow', { provider: 'anthropic' })], FOLDER), 'ask');
      assert.equal(judgeKeyDestination('openai', workspaceTo('https://x.example:8443'), [approval('allow')], FOLDER), 'ask');
      assert.equal(judgeKeyDestination('openai', workspaceTo('http://x.example'), [approval('allow')], FOLDER), 'ask');
    });

    it('an origin of unknown source is treated like a workspace one (asked about)', () => {
      assert.equal(judgeKeyDestination('openai', { origin: 'https://x.example', setting: 's' }, [], FOLDER), 'ask');
    });
  });

  it('originOf keeps scheme, host and port only; the destination of a provider carries its setting', () => {
    assert.equal(originOf('https://API.OpenAI.com:443/v1/'), 'https://api.openai.com');
    assert.equal(originOf('http://127.0.0.1:8123/v1'), 'http://127.0.0.1:8123');
    assert.deepEqual(keyDestinationFor('openai', 'http://127.0.0.1:8123/v1', { setting: 'switchboard.endpoints.openai', layer: 'user' }), {
      origin: 'http://127.0.0.1:8123',
      setting: 'switchboard.endpoints.openai',
      layer: 'user',
    });
    // Built without a source (no provider cache): the setting is named, the layer unknown, so it is asked about.
    assert.deepEqual(keyDestinationFor('anthropic', 'https://a.example'), {
      origin: 'https://a.example',
      setting: 'switchboard.endpoints.anthropic',
    });
  });

  it('answers replace earlier ones, can be forgotten, and malformed stored values are dropped', () => {
    const list = withApproval([approval('deny'), approval('allow', { origin: 'https://y.example' })], approval('allow', { at: 2 }));
    assert.deepEqual(
      list.map((a) => [a.origin, a.answer]),
      [
        ['https://y.example', 'allow'],
        ['https://x.example', 'allow'],
      ],
    );
    assert.deepEqual(withoutApproval(list, approval('allow')), [approval('allow', { origin: 'https://y.example' })]);
    assert.deepEqual(parseApprovals('nope'), []);
    assert.deepEqual(
      parseApprovals([approval('allow'), { ...approval('allow'), answer: 'yes' }, null, { __proto__: { folder: FOLDER } }]),
      [approval('allow')],
    );
  });

  describe('keySourceOf: which setting chose the endpoint, from the merged scopes', () => {
    const resolve = (inspected: Record<string, unknown>) =>
      effectiveSettings(inspected as Parameters<typeof effectiveSettings>[0], { trusted: true }).settings;
    const luna = { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 100_000 } as const;

    it('an endpoint from user settings is the user layer; from the folder, the workspace layer', () => {
      const user = resolve({ 'endpoints.openai': { globalValue: 'http://127.0.0.1:4000/v1' } });
      assert.deepEqual(keySourceOf(luna, user), { setting: 'switchboard.endpoints.openai', layer: 'user' });
      const folder = resolve({ 'endpoints.openai': { globalValue: 'http://127.0.0.1:4000/v1', workspaceValue: 'https://x.example/v1' } });
      assert.deepEqual(keySourceOf(luna, folder), { setting: 'switchboard.endpoints.openai', layer: 'workspace' });
      assert.deepEqual(keySourceOf(luna, resolve({})), { setting: 'switchboard.endpoints.openai', layer: 'default' });
    });

    it("a model's own baseUrl names that layer's array index", () => {
      const own = { id: 'mine', provider: 'openai-compatible', model: 'm', tier: 'mid', contextWindow: 8192 };
      const settings = resolve({
        models: {
          globalValue: [{ ...own, baseUrl: 'http://127.0.0.1:8000/v1' }],
          workspaceValue: [{ ...own, id: 'theirs', baseUrl: 'https://x.example/v1' }],
        },
      });
      const theirs = settings.models.find((m) => m.id === 'theirs')!;
      const mine = settings.models.find((m) => m.id === 'mine')!;
      assert.deepEqual(keySourceOf(theirs, settings), { setting: 'switchboard.models[0].baseUrl', layer: 'workspace' });
      assert.deepEqual(keySourceOf(mine, settings), { setting: 'switchboard.models[0].baseUrl', layer: 'user' });
    });

    it('a folder that re-defines a user model by id makes its baseUrl the workspace layer', () => {
      const settings = resolve({
        models: {
          globalValue: [{ ...luna, baseUrl: 'http://127.0.0.1:4000/v1' }],
          workspaceValue: [{ ...luna, baseUrl: 'https://x.example/v1' }],
        },
      });
      const model = settings.models.find((m) => m.id === 'gpt-6-luna')!;
      assert.equal(keySourceOf(model, settings).layer, 'workspace');
    });

    it('an invalid folder endpoint keeps the previous value and the layer that set it', () => {
      const before = resolve({ 'endpoints.openai': { globalValue: 'http://127.0.0.1:4000/v1' } });
      const after = effectiveSettings(
        { 'endpoints.openai': { globalValue: 'http://127.0.0.1:4000/v1', workspaceValue: 'not a url' } },
        { trusted: true, previousValid: before },
      ).settings;
      assert.equal(after.endpoints.openai, 'http://127.0.0.1:4000/v1');
      assert.deepEqual(keySourceOf(luna, after), { setting: 'switchboard.endpoints.openai', layer: 'user' });
    });
  });
});

/** A gate over fake stores: `keys` as ApiKeys would resolve them (stored, else environment). */
function fakeGate(keys: Partial<Record<ProviderKind, string>>, answers: (KeyAnswer | undefined)[] = []) {
  let approvals: KeyApproval[] = [];
  const asked: string[] = [];
  let release: ((a: KeyAnswer | undefined) => void)[] = [];
  const logger = capturingLogger();
  const host: KeyGateHost = {
    lookUp: async (p) => keys[p],
    approvals: () => approvals,
    remember: async (a) => {
      approvals = withApproval(approvals, a);
    },
    ask: (_p, _to, question) => {
      asked.push(question);
      if (answers.length > 0) return Promise.resolve(answers.shift());
      return new Promise((resolve) => release.push(resolve));
    },
    folder: () => FOLDER,
    now: () => 42,
    logger,
  };
  return {
    gate: new KeyGate(host),
    asked,
    logger,
    approvals: () => approvals,
    answer(a: KeyAnswer | undefined) {
      const waiting = release;
      release = [];
      for (const r of waiting) r(a);
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected a rejection');
}

describe('KeyGate: asking once, remembering, never leaking', () => {
  const to = workspaceTo('https://x.example');

  it('concurrent requests to a new origin share one question; Allow sends the key to all and is remembered', async () => {
    const f = fakeGate({ openai: KEY });
    const first = f.gate.keyFor('openai', to);
    const second = f.gate.keyFor('openai', to);
    await new Promise((r) => setImmediate(r));
    assert.equal(f.asked.length, 1);
    assert.equal(
      f.asked[0],
      "This folder sends OpenAI requests to https://x.example — send your OpenAI key there? (switchboard.endpoints.openai in this folder's settings)",
    );
    f.answer('allow');
    assert.deepEqual(await Promise.all([first, second]), [KEY, KEY]);
    assert.deepEqual(f.approvals(), [approval('allow', { at: 42 })]);
    assert.equal(await f.gate.keyFor('openai', to), KEY);
    assert.equal(f.asked.length, 1, 'asked once');
  });

  it("Don't Send fails every waiting request naming the setting, and the refusal is remembered", async () => {
    const f = fakeGate({ openai: KEY });
    const waiting = [rejection(f.gate.keyFor('openai', to)), rejection(f.gate.keyFor('openai', to))];
    await new Promise((r) => setImmediate(r));
    f.answer('deny');
    for (const e of await Promise.all(waiting)) {
      assert.ok(isKeyWithheldError(e));
      assert.match(
        e.message,
        /^switchboard\.endpoints\.openai in this folder's settings points at https:\/\/x\.example; your OpenAI key is not sent there \(you chose Don't Send\)\. Allow it with "Switchboard: Manage Key Destinations…"\.$/,
      );
      assert.ok(!e.message.includes(KEY));
    }
    const later = await rejection(f.gate.keyFor('openai', to));
    assert.ok(isKeyWithheldError(later));
    assert.equal(f.asked.length, 1, 'a remembered refusal is not asked again');
    assert.ok(!f.logger.lines.some((l) => l.includes(KEY)), 'the key is never logged');
  });

  it('a dismissed question withholds the key this time, remembers nothing, and asks again next time', async () => {
    const f = fakeGate({ openai: KEY }, [undefined, 'allow']);
    const e = await rejection(f.gate.keyFor('openai', to));
    assert.ok(isKeyWithheldError(e));
    assert.match(e.message, /your OpenAI key is not sent there until you allow it/);
    assert.deepEqual(f.approvals(), []);
    assert.equal(await f.gate.keyFor('openai', to), KEY);
    assert.equal(f.asked.length, 2);
  });

  it('an environment key follows the same rule as a stored one (the gate never looks at where the key came from)', async () => {
    const f = fakeGate({ anthropic: ENV_KEY }, ['deny']);
    const e = await rejection(f.gate.keyFor('anthropic', workspaceTo('http://127.0.0.1:9', 'switchboard.endpoints.anthropic')));
    assert.ok(isKeyWithheldError(e));
    assert.match(
      e.message,
      /^switchboard\.endpoints\.anthropic in this folder's settings points at http:\/\/127\.0\.0\.1:9; your Anthropic key/,
    );
    assert.equal(await f.gate.keyFor('anthropic', workspaceTo('https://api.anthropic.com')), ENV_KEY);
    assert.equal(await f.gate.keyFor('anthropic', { origin: 'http://127.0.0.1:9', setting: 's', layer: 'user' }), ENV_KEY);
  });

  it('no key, no question: the provider reports the missing key itself', async () => {
    const f = fakeGate({});
    assert.equal(await f.gate.keyFor('openai', to), undefined);
    assert.equal(f.asked.length, 0);
  });

  it('a request that is cancelled stops waiting; the question stays open for the next request', async () => {
    const f = fakeGate({ openai: KEY });
    const controller = new AbortController();
    const cancelled = rejection(f.gate.keyFor('openai', to, controller.signal));
    await new Promise((r) => setImmediate(r));
    controller.abort();
    assert.ok(isKeyWithheldError(await cancelled));
    const next = f.gate.keyFor('openai', to);
    await new Promise((r) => setImmediate(r));
    assert.equal(f.asked.length, 1, 'one question at a time per origin');
    f.answer('allow');
    assert.equal(await next, KEY);
  });

  it('apiKeyFor turns a withheld key (from either bundle) into an auth ProviderError for the model', async () => {
    const ports = {
      getApiKey: async () => {
        throw new KeyWithheldError('switchboard.endpoints.openai in this folder’s settings points at https://x.example; not sent');
      },
    };
    const e = (await rejection(apiKeyFor(ports, { provider: 'openai', model: 'gpt-6-luna' }, to))) as ProviderError;
    assert.ok(isProviderError(e));
    assert.equal(e.kind, 'auth');
    assert.equal(e.model, 'gpt-6-luna');
    assert.match(e.message, /points at https:\/\/x\.example/);
    // The other bundle's copy of the class: recognised by its brand.
    const foreign = Object.assign(new Error('withheld elsewhere'), { [Symbol.for('switchboard.KeyWithheldError')]: true });
    const e2 = (await rejection(
      apiKeyFor({ getApiKey: () => Promise.reject(foreign) }, { provider: 'openai', model: 'm' }, to),
    )) as ProviderError;
    assert.equal(e2.kind, 'auth');
  });
});

describe('a trusted folder that points OpenAI at another loopback origin (provider cache → provider → gate)', function () {
  this.timeout(15_000);
  let own: OpenAIStandin;
  let hostile: OpenAIStandin;
  before(async () => {
    own = await startOpenAIStandin();
    hostile = await startOpenAIStandin();
  });
  after(async () => {
    await own.close();
    await hostile.close();
  });
  beforeEach(() => {
    own.reset();
    hostile.reset();
  });

  function setup(answers: (KeyAnswer | undefined)[]) {
    const f = fakeGate({ openai: KEY }, answers);
    const ports: Ports = {
      fetch: globalThis.fetch,
      getApiKey: (provider, dest, signal) => f.gate.keyFor(provider, dest, signal),
      clock: systemClock,
      logger: capturingLogger(),
      storageDir: '/nonexistent',
    };
    const settings = effectiveSettings(
      { 'endpoints.openai': { globalValue: own.url, workspaceValue: hostile.url } },
      { trusted: true },
    ).settings;
    const userOnly = effectiveSettings({ 'endpoints.openai': { globalValue: own.url } }, { trusted: true }).settings;
    const cache = new ProviderCache(ports, createProvider);
    const luna = settings.models.find((m) => m.id === 'gpt-6-luna')!;
    const chat = (s: typeof settings) =>
      collect(
        cache.get(luna, s).streamChat({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }] }, new AbortController().signal),
      );
    return { f, chat, settings, userOnly };
  }

  it("with no consent the folder's endpoint receives no authorization header, and the failure names the setting", async () => {
    const { f, chat, settings } = setup(['deny']);
    const out = await chat(settings);
    assert.equal(out.error?.kind, 'auth');
    assert.match(
      out.error?.message ?? '',
      new RegExp(
        `^switchboard\\.endpoints\\.openai in this folder's settings points at ${hostile.origin}; your OpenAI key is not sent there`,
      ),
    );
    assert.ok(
      hostile.requests.every((r) => r.headers.authorization === undefined),
      'no authorization header reached the folder endpoint',
    );
    assert.equal(hostile.requests.length, 0);
    assert.equal(f.asked.length, 1);
  });

  it("after Allow it receives exactly the user's key; the user's own endpoint never needed asking", async () => {
    const { f, chat, settings, userOnly } = setup(['allow']);
    await chat(userOnly);
    assert.equal(own.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(f.asked.length, 0);
    const out = await chat(settings);
    assert.equal(out.error, undefined);
    assert.equal(hostile.requests.length, 1);
    assert.equal(hostile.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(f.asked.length, 1);
  });
});
