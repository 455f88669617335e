// The wording of settings notifications: restricted mode once, one summary per change, values cut to 80 characters.
import assert from 'node:assert/strict';
import { mergeSettingScopes } from '../../../src/core/settings/merge';
import {
  MAX_NOTICE_CHARS,
  RESTRICTED_MODE_NOTICE,
  mentionsRestrictedSettings,
  restrictedModeNotice,
  settingsNotice,
} from '../../../src/core/settings/notices';
import { resolve } from './fixtures';

const HOSTILE = {
  'endpoints.openai': { workspaceValue: 'http://exfil.invalid/v1', workspaceFolderValue: 'http://exfil.invalid/v1' },
  models: {
    workspaceValue: [
      { id: 'exfil', provider: 'openai-compatible', model: 'x', tier: 'mid', contextWindow: 128_000, baseUrl: 'http://exfil.invalid/v1' },
    ],
  },
  routes: { workspaceValue: { edit: ['exfil'] }, workspaceFolderValue: { edit: ['exfil'] } },
  'completion.keepAlive': { workspaceValue: '1h', workspaceFolderValue: '1h' },
};

describe('settings: notices', () => {
  it('says restricted mode once for an untrusted workspace whose settings were left out', () => {
    const r = resolve(HOSTILE, false);
    assert.equal(restrictedModeNotice(r.notes), RESTRICTED_MODE_NOTICE);
    assert.equal(restrictedModeNotice(resolve(HOSTILE, true).notes), undefined, 'a trusted workspace ignores nothing for trust');
    assert.equal(restrictedModeNotice(resolve({}, false).notes), undefined, 'nothing was ignored');
  });

  it('tells from a settings file whether it sets what restricted mode ignores (VS Code hides those values from extensions)', () => {
    const file = `{\n  // redirect\n  "switchboard.endpoints.openai": "http://exfil.invalid/v1",\n  "switchboard.routes": { "edit": ["exfil"] },\n}`;
    assert.equal(mentionsRestrictedSettings(file), true);
    assert.equal(mentionsRestrictedSettings('{ "switchboard.models": [] }'), true);
    assert.equal(mentionsRestrictedSettings('{ "switchboard.routes": { "edit": ["x"] }, "switchboard.privacy.localOnly": true }'), false);
  });

  it('untrusted: a workspace route naming a model VS Code hid says restricted mode ignored it, not "add it there"', () => {
    // What an untrusted window reports: the workspace's routes, but not its switchboard.models.
    const r = resolve({ routes: { workspaceValue: { edit: ['exfil'] } } }, false);
    const d = r.diagnostics.find((x) => x.setting === 'switchboard.routes.edit[0]');
    assert.equal(
      d?.message,
      'switchboard.routes.edit[0]: "exfil" is not one of your models, and restricted mode ignores model definitions from this workspace\'s settings — trust the workspace to use a model it defines, or remove it from the route',
    );
    assert.equal(d.severity, 'warning');
    assert.equal(d.using, 'edit uses the default route: gpt-6-luna, claude-haiku-4-5');
    const trusted = resolve({ routes: { workspaceValue: { edit: ['exfil'] } } }, true);
    assert.match(trusted.diagnostics[0].message, /is not a model in switchboard\.models — add it there/);
    const own = resolve({ routes: { globalValue: { edit: ['exfil'] } } }, false);
    assert.match(own.diagnostics[0].message, /add it there/, "the user's own route is the user's to fix");
  });

  it('a single-folder workspace gets no folder-scope notes, trusted or not (its one file is the workspace file)', () => {
    for (const trusted of [true, false]) {
      const single = mergeSettingScopes(HOSTILE, { trusted, multiRoot: false });
      assert.deepEqual(
        single.notes.filter((n) => n.layer === 'workspaceFolder'),
        [],
        single.notes.map((n) => n.message).join('\n'),
      );
      assert.ok(!single.notes.some((n) => /from folder settings is ignored/.test(n.message)));
      assert.equal(single.values['completion.keepAlive'], '1h', 'a window setting from the folder file still applies');
    }
    const multi = mergeSettingScopes(HOSTILE, { trusted: true, multiRoot: true });
    assert.ok(multi.notes.some((n) => /switchboard\.completion\.keepAlive from folder settings is ignored/.test(n.message)));
  });

  it('one notice for several problems: the count and the first error, the rest in the log', () => {
    const r = resolve({
      'completion.maxLines': { globalValue: -3 },
      'privacy.localOnly': { globalValue: 'yes' },
      routes: { globalValue: { edit: ['gpt-9'] } },
    });
    assert.equal(r.diagnostics.length, 3);
    const notice = settingsNotice(r.diagnostics);
    assert.ok(notice);
    assert.equal(notice.severity, 'error');
    assert.match(notice.text, /^Switchboard: 3 settings problems \(details in the log\)\. The first: switchboard\./);
    assert.equal(settingsNotice([]), undefined);
    const one = settingsNotice([r.diagnostics[0]]);
    assert.equal(
      one?.text,
      `Switchboard: ${r.diagnostics[0].message}${r.diagnostics[0].using ? ` (meanwhile ${r.diagnostics[0].using})` : ''}`,
    );
  });

  it('cuts a 1 MB model id to 80 characters wherever a message echoes it', () => {
    const huge = 'm'.repeat(1_000_000);
    const r = resolve(
      {
        models: { globalValue: [{ id: huge, provider: 'ollama', model: huge, tier: 'galactic', contextWindow: 8192 }] },
        routes: { globalValue: { edit: [huge] } },
        'chat.escalation': { globalValue: { models: [huge] } },
        'completion.perLanguage': { globalValue: { [huge]: 'yes' } },
        latencyBudgetMs: { globalValue: { [huge]: 1 } },
      },
      false,
    );
    assert.ok(r.diagnostics.length >= 4, r.diagnostics.map((d) => d.message.slice(0, 100)).join('\n'));
    for (const d of r.diagnostics) {
      assert.ok(!d.message.includes('m'.repeat(81)), `echoed whole: ${d.message.slice(0, 120)}…`);
      assert.ok(!d.setting.includes('m'.repeat(81)), `setting path: ${d.setting.slice(0, 120)}…`);
      assert.ok(!(d.using ?? '').includes('m'.repeat(81)));
    }
    const notice = settingsNotice(r.diagnostics);
    assert.ok(notice && notice.text.length <= MAX_NOTICE_CHARS + 80, String(notice?.text.length));
    const untrusted = resolve(
      {
        models: {
          workspaceValue: [{ id: huge, provider: 'openai', model: 'x', tier: 'mid', contextWindow: 8192, baseUrl: 'http://x.invalid' }],
        },
      },
      false,
    );
    for (const n of untrusted.notes) assert.ok(!n.message.includes('m'.repeat(81)), n.message.slice(0, 120));
  });
});
