// The settings schema: defaults, the snapshot's shape and types derived from the spec table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelRef, TaskKind } from '../../../src/core/types';
import type { LedgerRetention } from '../../../src/core/cost/ledgerRetention';
import type {
  ChatEscalation,
  FimFamilySetting,
  SettingKey,
  SettingValues,
  SettingsSnapshot,
  SpendScope,
} from '../../../src/core/settings/schema';
import {
  DEFAULT_MODELS,
  DEFAULT_SETTINGS,
  DEFAULT_SETTING_VALUES,
  SETTING_KEYS,
  completionEnabledFor,
  snapshotFromValues,
  valuesFromSnapshot,
} from '../../../src/core/settings/schema';
import { resolve } from './fixtures';

const ROOT = path.resolve(__dirname, '../../..');

// Compile-time pins: the types derived from the spec table stay as precise as the core's own types.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
const derivedTypes: {
  models: Equals<SettingsSnapshot['models'], ModelRef[]>;
  routes: Equals<SettingsSnapshot['routes'], Record<TaskKind, string[]>>;
  latency: Equals<SettingsSnapshot['latencyBudgetMs'], Record<TaskKind, number>>;
  escalation: Equals<SettingsSnapshot['chat']['escalation'], ChatEscalation>;
  escalationMode: Equals<ChatEscalation['mode'], 'auto' | 'never' | 'always'>;
  fimFamily: Equals<SettingsSnapshot['completion']['fimFamily'], FimFamilySetting>;
  perLanguage: Equals<SettingsSnapshot['completion']['perLanguage'], Record<string, boolean>>;
  ledger: Equals<SettingsSnapshot['ledger'], LedgerRetention>;
  spendScope: Equals<SettingsSnapshot['budget']['spendScope'], { day: SpendScope; month: SpendScope }>;
  budgetKeys: Equals<keyof SettingsSnapshot['budget'], 'perRequestUsd' | 'perDayUsd' | 'perMonthUsd' | 'spendScope'>;
  noAny: Equals<{ [K in SettingKey]: IsAny<SettingValues[K]> }[SettingKey], false>;
} = {
  models: true,
  routes: true,
  latency: true,
  escalation: true,
  escalationMode: true,
  fimFamily: true,
  perLanguage: true,
  ledger: true,
  spendScope: true,
  budgetKeys: true,
  noAny: true,
};

describe('settings: defaults', () => {
  it('resolve to the defaults with no diagnostics when nothing is set', () => {
    const r = resolve({});
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
  });

  it('route completion to a local Ollama coder, edit/chat to mid and refactor to frontier', () => {
    const s = DEFAULT_SETTINGS;
    const byId = new Map(s.models.map((m) => [m.id, m]));
    assert.deepEqual(s.routes.completion, ['qwen2.5-coder:1.5b-base']);
    assert.equal(byId.get(s.routes.completion[0])?.provider, 'ollama');
    for (const id of s.routes.edit) assert.equal(byId.get(id)?.tier, 'mid');
    for (const id of s.routes.chat) assert.equal(byId.get(id)?.tier, 'mid');
    for (const id of s.routes.refactor) assert.equal(byId.get(id)?.tier, 'frontier');
    assert.equal(s.chat.escalation.mode, 'auto');
    assert.equal(s.completion.allowCloudFallback, false);
    assert.equal(s.ab.sampleRate, 0);
    assert.equal(s.ab.autoApplyRoutes, false);
  });

  it('use current model ids: listed in the SDKs type definitions and not deprecated', () => {
    const anthropicTypes = readFileSync(path.join(ROOT, 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts'), 'utf8');
    const anthropicModels = /export type Model = ([^;]+);/.exec(anthropicTypes)?.[1] ?? '';
    const deprecated = readFileSync(path.join(ROOT, 'node_modules/@anthropic-ai/sdk/internal/data/deprecated-models.js'), 'utf8');
    const openaiTypes = readFileSync(path.join(ROOT, 'node_modules/openai/resources/shared.d.ts'), 'utf8');
    const openaiModels = /export type ChatModel = ([^;]+);/.exec(openaiTypes)?.[1] ?? '';
    assert.ok(anthropicModels.length > 0 && openaiModels.length > 0, 'SDK model unions found');
    for (const m of DEFAULT_MODELS) {
      if (m.provider === 'anthropic') {
        assert.ok(anthropicModels.includes(`'${m.model}'`), `${m.model} is in @anthropic-ai/sdk Model`);
        assert.ok(!deprecated.includes(`'${m.model}'`), `${m.model} is not deprecated`);
      }
      if (m.provider === 'openai') assert.ok(openaiModels.includes(`'${m.model}'`), `${m.model} is in openai ChatModel`);
    }
    const retiring = resolve({ models: { globalValue: DEFAULT_MODELS } }).diagnostics.filter((d) => d.message.includes('deprecated'));
    assert.deepEqual(retiring, []);
  });

  it('are deeply frozen so the router can cache by identity', () => {
    const { settings } = resolve({ routes: { globalValue: { edit: ['claude-haiku-4-5'] } } });
    assert.ok(Object.isFrozen(settings));
    assert.ok(Object.isFrozen(settings.routes.edit));
    assert.ok(Object.isFrozen(settings.models[0]));
  });
});

describe('settings: the snapshot shape', () => {
  it('has the types derived from the spec table (checked when the tests compile)', () => {
    assert.ok(Object.values(derivedTypes).every((pinned) => pinned));
  });

  it('nests each dotted key under its group, and no group is also a key of its own', () => {
    const keys = new Set<string>(SETTING_KEYS);
    for (const key of SETTING_KEYS) {
      const [group, name] = key.split('.');
      if (name === undefined) continue;
      assert.ok(!keys.has(group), `${group} is both a setting and the group of ${key}`);
      assert.deepEqual(
        (DEFAULT_SETTINGS as unknown as Record<string, Record<string, unknown>>)[group][name],
        DEFAULT_SETTING_VALUES[key],
        key,
      );
    }
  });

  it('converts between flat values and the snapshot both ways', () => {
    const values = structuredClone(DEFAULT_SETTING_VALUES) as SettingValues;
    const snapshot = snapshotFromValues(values, { day: 'workspace', month: 'all' });
    assert.deepEqual(snapshot.budget.spendScope, { day: 'workspace', month: 'all' });
    assert.deepEqual(Object.keys(snapshot), [
      'models',
      'routes',
      'chat',
      'budget',
      'latencyBudgetMs',
      'privacy',
      'fallback',
      'endpoints',
      'completion',
      'ab',
      'ledger',
    ]);
    assert.deepEqual(valuesFromSnapshot(snapshot), values);
    assert.deepEqual(snapshotFromValues(valuesFromSnapshot(DEFAULT_SETTINGS)), DEFAULT_SETTINGS);
  });
});

describe('settings: helpers', () => {
  it('enables completion per language with a * fallback', () => {
    const { settings } = resolve({ 'completion.perLanguage': { globalValue: { python: false } } });
    assert.equal(completionEnabledFor(settings, 'python'), false);
    assert.equal(completionEnabledFor(settings, 'markdown'), false);
    assert.equal(completionEnabledFor(settings, 'typescript'), true);
    const off = resolve({ 'completion.enabled': { workspaceValue: false } }).settings;
    assert.equal(completionEnabledFor(off, 'typescript'), false);
  });
});
