// package.json's contributes.configuration must match the schema module.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
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

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const configuration = manifest.contributes.configuration as {
  title: string;
  properties: Record<string, ConfigurationProperty>;
};

/** JSON Schema keywords that package.json may leave out but, where it states one, must state as the schema does. */
const CONSTRAINTS = ['type', 'enum', 'minimum', 'maximum', 'minLength', 'pattern', 'required', 'additionalProperties'] as const;

/** Where package.json's JSON Schema says something the zod schema does not, one line per difference. */
function differences(declared: Record<string, unknown>, actual: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  for (const keyword of CONSTRAINTS) {
    if (!(keyword in declared)) continue;
    const mine = declared[keyword];
    const theirs = actual[keyword];
    const same =
      typeof mine === 'object' && mine !== null
        ? keyword === 'additionalProperties'
          ? differences(mine as Record<string, unknown>, (theirs ?? {}) as Record<string, unknown>, `${at}.additionalProperties`).length ===
            0
          : JSON.stringify([...(mine as unknown[])].sort()) === JSON.stringify([...((theirs ?? []) as unknown[])].sort())
        : mine === theirs;
    if (!same) out.push(`${at}: package.json says ${keyword} ${JSON.stringify(mine)}, the schema ${JSON.stringify(theirs)}`);
  }
  const declaredProps = declared.properties as Record<string, Record<string, unknown>> | undefined;
  const actualProps = (actual.properties ?? {}) as Record<string, Record<string, unknown>>;
  if (declaredProps !== undefined) {
    const a = Object.keys(declaredProps).sort().join(', ');
    const b = Object.keys(actualProps).sort().join(', ');
    if (a !== b) out.push(`${at}: package.json lists properties ${a}, the schema ${b}`);
    for (const [prop, sub] of Object.entries(declaredProps))
      if (prop in actualProps) out.push(...differences(sub, actualProps[prop], `${at}.${prop}`));
  }
  if (declared.items !== undefined)
    out.push(...differences(declared.items as Record<string, unknown>, (actual.items ?? {}) as Record<string, unknown>, `${at}[]`));
  return out;
}

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

  it('states every type, enum, bound, pattern and property as the schema does, at every depth', () => {
    const found: string[] = [];
    for (const key of SETTING_KEYS) {
      const actual = z.toJSONSchema(SETTING_SPECS[key].schema, { io: 'input' }) as Record<string, unknown>;
      found.push(...differences(configuration.properties[`${SETTINGS_SECTION}.${key}`] as Record<string, unknown>, actual, key));
    }
    assert.deepEqual(found, []);
  });

  it('restricts in untrusted workspaces exactly the settings a workspace could use to send code or keys somewhere new', () => {
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    const expected = SETTING_KEYS.filter((key) => {
      const spec = SETTING_SPECS[key];
      const workspaceMaySet = spec.scope !== 'application' && spec.scope !== 'machine';
      return workspaceMaySet && (spec.untrusted === 'ignore' || spec.untrusted === 'modelEntries');
    }).map((key) => `${SETTINGS_SECTION}.${key}`);
    assert.deepEqual([...restricted].sort(), expected.sort());
  });

  it('never lets a workspace set what only the user may', () => {
    for (const key of SETTING_KEYS) {
      if (SETTING_SPECS[key].untrusted === 'ignore' && key.startsWith('endpoints.'))
        assert.notEqual(SETTING_SPECS[key].scope, 'resource', `${key} should not be per-folder`);
    }
    assert.equal(configuration.properties['switchboard.ab.autoApplyRoutes'].scope, 'application');
  });
});
