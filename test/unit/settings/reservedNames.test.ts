// Model ids and object keys that are JavaScript's own names (`__proto__`, `constructor`, …): refused as model ids, kept as plain keys elsewhere.
import assert from 'node:assert/strict';
import { completionEnabledFor, isReservedName } from '../../../src/core/settings/schema';
import { resolve } from './fixtures';

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

function prototypeNames(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

function model(id: string) {
  return { id, provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'local', contextWindow: 32_768 };
}

describe('settings: reserved JavaScript names', () => {
  it('knows every Object.prototype member name, and prototype, as reserved', () => {
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), 'prototype']) assert.ok(isReservedName(name), name);
    assert.ok(!isReservedName('proto'));
    assert.ok(!isReservedName('Constructor'));
  });

  for (const id of RESERVED) {
    it(`refuses a user model with id "${id}", naming the setting and the fix`, () => {
      const before = prototypeNames();
      const r = resolve({ models: { globalValue: [model(id), model('fine')] } });
      assert.deepEqual(prototypeNames(), before, 'Object.prototype gained no keys');
      assert.ok(!r.settings.models.some((m) => m.id === id), `${id} is not a model`);
      assert.ok(
        r.settings.models.some((m) => m.id === 'fine'),
        'the valid entry next to it stays',
      );
      const d = r.diagnostics.find((x) => x.setting === 'switchboard.models[0].id');
      assert.ok(d, r.diagnostics.map((x) => x.message).join('\n'));
      assert.equal(d.severity, 'error');
      assert.equal(
        d.message,
        `switchboard.models[0].id: ${JSON.stringify(id)} is a reserved JavaScript name and cannot be a model id — rename the model (for example "${id.replace(/^_+|_+$/g, '')}-model") and use the new name in switchboard.routes`,
      );
      assert.equal(d.using, 'this model is left out');
    });

    it(`refuses "${id}" from a trusted workspace too, and says so for a route that names it`, () => {
      const r = resolve({
        models: { workspaceValue: [model(id)] },
        routes: { workspaceValue: { completion: [id] } },
      });
      assert.ok(!r.settings.models.some((m) => m.id === id));
      const messages = r.diagnostics.map((x) => x.message);
      assert.ok(
        messages.some((m) => m.startsWith(`switchboard.models[0].id: ${JSON.stringify(id)} is a reserved JavaScript name`)),
        messages.join('\n'),
      );
      assert.ok(
        messages.includes(
          `switchboard.routes.completion[0]: ${JSON.stringify(id)} is a reserved JavaScript name and cannot be a model id — remove it from the route`,
        ),
        messages.join('\n'),
      );
      assert.deepEqual(r.settings.routes.completion, ['qwen2.5-coder:1.5b-base']);
    });
  }

  it('trims an id before checking it, as the schema does', () => {
    const r = resolve({ models: { globalValue: [model('  constructor ')] } });
    assert.ok(!r.settings.models.some((m) => m.id === 'constructor'));
    assert.ok(r.diagnostics.some((d) => d.setting === 'switchboard.models[0].id'));
  });

  it('keeps language ids that are reserved names as plain entries of completion.perLanguage', () => {
    const before = prototypeNames();
    const perLanguage = JSON.parse('{"*": true, "__proto__": false, "constructor": false, "toString": false, "hasOwnProperty": false}');
    const { settings, diagnostics } = resolve({ 'completion.perLanguage': { globalValue: perLanguage } });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(prototypeNames(), before);
    for (const id of RESERVED) {
      assert.ok(Object.hasOwn(settings.completion.perLanguage, id), `${id} is an own key`);
      assert.equal(completionEnabledFor(settings, id), false, id);
    }
    assert.equal(completionEnabledFor(settings, 'typescript'), true);
  });

  it('does not read Object.prototype for a language the user did not list', () => {
    const { settings } = resolve({ 'completion.perLanguage': { globalValue: { '*': false } } });
    for (const id of RESERVED) assert.equal(completionEnabledFor(settings, id), false, id);
  });

  it('reports a bad perLanguage value for "constructor" as left out, not as "using function Object"', () => {
    const r = resolve({ 'completion.perLanguage': { globalValue: { constructor: 'no' } } });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].using, 'this entry is left out');
    assert.ok(!Object.hasOwn(r.settings.completion.perLanguage, 'constructor'));
  });

  it('warns about unknown properties named like Object.prototype members in object settings', () => {
    const raw = JSON.parse('{"chat": 4000, "constructor": 1, "toString": 2, "hasOwnProperty": 3, "__proto__": 4}');
    const before = prototypeNames();
    const r = resolve({ latencyBudgetMs: { globalValue: raw } });
    assert.deepEqual(prototypeNames(), before);
    assert.equal(r.settings.latencyBudgetMs.chat, 4000);
    const unknown = r.diagnostics.filter((d) => / is not a known property/.test(d.message)).map((d) => d.setting);
    assert.deepEqual(unknown.sort(), RESERVED.map((k) => `switchboard.latencyBudgetMs.${k}`).sort());
  });
});
