// package.json's contributes.configuration must match the schema module.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_SETTING_VALUES,
  FIM_FAMILY_SETTINGS,
  SETTING_KEYS,
  SETTING_SPECS,
  SETTINGS_SECTION,
} from '../../../src/core/settings/schema';

interface ConfigurationProperty {
  type?: string | string[];
  default?: unknown;
  scope?: string;
  markdownDescription?: string;
  enum?: unknown[];
  properties?: Record<string, unknown>;
}

const configuration = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')).contributes.configuration as {
  title: string;
  properties: Record<string, ConfigurationProperty>;
};

describe('package.json contributes.configuration', () => {
  it('is titled Switchboard', () => {
    assert.equal(configuration.title, 'Switchboard');
  });

  it('has an entry for every schema key with the same default and scope, a type and a markdownDescription', () => {
    for (const key of SETTING_KEYS) {
      const entry = configuration.properties[`${SETTINGS_SECTION}.${key}`];
      assert.ok(entry, `configuration.json lacks ${SETTINGS_SECTION}.${key}`);
      assert.deepEqual(entry.default, DEFAULT_SETTING_VALUES[key], `default of ${key}`);
      assert.equal(entry.scope, SETTING_SPECS[key].scope, `scope of ${key}`);
      assert.ok(entry.type !== undefined, `type of ${key}`);
      assert.ok((entry.markdownDescription ?? '').length > 20, `markdownDescription of ${key}`);
    }
  });

  it('declares no setting the schema does not know', () => {
    const known = new Set(SETTING_KEYS.map((k) => `${SETTINGS_SECTION}.${k}`));
    for (const id of Object.keys(configuration.properties))
      assert.ok(known.has(id), `${id} is in configuration.json but not in the schema`);
  });

  it('has defaults the schema accepts', () => {
    for (const key of SETTING_KEYS) {
      const entry = configuration.properties[`${SETTINGS_SECTION}.${key}`];
      const parsed = SETTING_SPECS[key].schema.safeParse(entry.default);
      assert.ok(parsed.success, `default of ${key} fails the schema: ${parsed.success ? '' : parsed.error.message}`);
    }
  });

  it('lists the same enum values and object properties as the schema', () => {
    assert.deepEqual(configuration.properties['switchboard.completion.fimFamily'].enum, [...FIM_FAMILY_SETTINGS]);
    for (const key of ['routes', 'latencyBudgetMs', 'chat.escalation'] as const) {
      const entry = configuration.properties[`${SETTINGS_SECTION}.${key}`];
      assert.deepEqual(Object.keys(entry.properties ?? {}).sort(), Object.keys(DEFAULT_SETTING_VALUES[key]).sort(), `properties of ${key}`);
    }
  });

  it('never lets a workspace set what only the user may', () => {
    for (const key of SETTING_KEYS) {
      if (SETTING_SPECS[key].untrusted === 'ignore' && key.startsWith('endpoints.'))
        assert.notEqual(SETTING_SPECS[key].scope, 'resource', `${key} should not be per-folder`);
    }
    assert.equal(configuration.properties['switchboard.ab.autoApplyRoutes'].scope, 'application');
  });
});
