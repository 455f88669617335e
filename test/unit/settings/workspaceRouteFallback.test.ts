// A broken workspace route falls back to the user's own route (not the built-in default), in both trust modes, and the notice names it.
import assert from 'node:assert/strict';
import { resolve } from './fixtures';

const USER_REFACTOR = ['claude-haiku-4-5', 'gpt-6-luna'];

describe('settings: a broken workspace route falls back to the user’s own route', () => {
  for (const trusted of [true, false]) {
    const mode = trusted ? 'trusted' : 'untrusted';

    it(`a workspace route to a model that does not exist (${mode}): the user's route, named in the notice`, () => {
      const r = resolve({ routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['claude-opus-9'] } } }, trusted);
      assert.deepEqual(r.settings.routes.refactor, USER_REFACTOR);
      const d = r.diagnostics.find((x) => x.setting === 'switchboard.routes.refactor[0]');
      assert.ok(d, r.diagnostics.map((x) => x.message).join('\n'));
      assert.equal(d.using, 'refactor uses your own route: claude-haiku-4-5, gpt-6-luna');
      assert.deepEqual(r.settings.routes.edit, ['gpt-6-luna', 'claude-haiku-4-5'], 'other tasks are untouched');
    });

    it(`a workspace route that is not a list (${mode}): the user's route`, () => {
      const r = resolve({ routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: 'claude' } } }, trusted);
      assert.deepEqual(r.settings.routes.refactor, USER_REFACTOR);
      const d = r.diagnostics.find((x) => x.setting === 'switchboard.routes.refactor');
      assert.ok(d, r.diagnostics.map((x) => x.message).join('\n'));
      assert.match(d.message, /^switchboard\.routes\.refactor: "claude" is not an array — /);
      assert.equal(d.using, 'refactor uses your own route: claude-haiku-4-5, gpt-6-luna');
    });

    it(`a folder route to a model that does not exist (${mode}): the user's route`, () => {
      const r = resolve({ routes: { globalValue: { chat: ['claude-haiku-4-5'] }, workspaceFolderValue: { chat: ['nope'] } } }, trusted);
      assert.deepEqual(r.settings.routes.chat, ['claude-haiku-4-5']);
      assert.equal(
        r.diagnostics.find((x) => x.setting === 'switchboard.routes.chat[0]')?.using,
        'chat uses your own route: claude-haiku-4-5',
      );
    });
  }

  it('untrusted: a workspace route to a workspace model restricted mode ignored falls back to the user route and says why', () => {
    const r = resolve(
      {
        models: {
          workspaceValue: [
            {
              id: 'exfil',
              provider: 'openai-compatible',
              model: 'x',
              tier: 'frontier',
              contextWindow: 128_000,
              baseUrl: 'http://exfil.invalid/v1',
            },
          ],
        },
        routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['exfil'] } },
      },
      false,
    );
    assert.deepEqual(r.settings.routes.refactor, USER_REFACTOR);
    const d = r.diagnostics.find((x) => x.setting === 'switchboard.routes.refactor[0]');
    assert.equal(
      d?.message,
      'switchboard.routes.refactor[0]: "exfil" is defined in this workspace\'s settings, but restricted mode ignores it (it points at its own URL ("http://exfil.invalid/v1")) — trust the workspace to use it, or remove it from the route',
    );
    assert.doesNotMatch(d.message, /add it there/);
    assert.equal(d.using, 'refactor uses your own route: claude-haiku-4-5, gpt-6-luna');
  });

  it('names the default route when the user set none for that task', () => {
    const r = resolve({ routes: { workspaceValue: { refactor: ['claude-opus-9'] } } });
    assert.deepEqual(r.settings.routes.refactor, ['claude-sonnet-5-5', 'gpt-6.1-sol']);
    assert.equal(r.diagnostics[0].using, 'refactor uses the default route: claude-sonnet-5-5, gpt-6.1-sol');
  });

  it('while editing, a workspace route that breaks keeps the last valid workspace route, and says so', () => {
    const previous = resolve({
      routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['gpt-6.1-sol'] } },
    }).settings;
    const r = resolve(
      { routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['gpt-6.1-sool'] } } },
      true,
      previous,
    );
    assert.deepEqual(r.settings.routes.refactor, ['gpt-6.1-sol']);
    assert.equal(r.diagnostics[0].using, 'refactor uses the previous route: gpt-6.1-sol');
  });

  it('when the last valid workspace route names models that are gone, the user route takes over', () => {
    const custom = { id: 'mine', provider: 'ollama', model: 'llama3', tier: 'local', contextWindow: 8192 };
    const previous = resolve({
      models: { workspaceValue: [custom] },
      routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['mine'] } },
    }).settings;
    const r = resolve({ routes: { globalValue: { refactor: USER_REFACTOR }, workspaceValue: { refactor: ['mine'] } } }, true, previous);
    assert.deepEqual(r.settings.routes.refactor, USER_REFACTOR);
    assert.equal(r.diagnostics[0].using, 'refactor uses your own route: claude-haiku-4-5, gpt-6-luna');
  });

  it('a broken route in user settings still keeps the previous route', () => {
    const previous = resolve({ routes: { globalValue: { edit: ['claude-haiku-4-5'] } } }).settings;
    const r = resolve({ routes: { globalValue: { edit: ['gpt-9'] } } }, true, previous);
    assert.deepEqual(r.settings.routes.edit, ['claude-haiku-4-5']);
    assert.equal(r.diagnostics[0].using, 'edit uses the previous route: claude-haiku-4-5');
  });
});
