import * as assert from 'node:assert/strict';
import type { ChatWebviewMessage, ChatWebviewMessageType } from '../../../src/shared/protocol';
import { checkChatWebviewMessage, MAX_CHAT_TEXT_CHARS, MAX_CODE_CHARS, parseChatWebviewMessage } from '../../../src/shared/protocol';

// One valid example of every message type; the Record type makes a new message type without an example a compile error.
const validByType: Record<ChatWebviewMessageType, ChatWebviewMessage[]> = {
  ready: [{ type: 'ready' }],
  send: [
    { type: 'send', id: 'q1', text: 'Explain this function' },
    { type: 'send', id: 'q-lx2_9', text: 'x'.repeat(MAX_CHAT_TEXT_CHARS), pin: { modelId: 'claude-sonnet-4-5', scope: 'next' } },
    { type: 'send', id: 'Q', text: '  padded  ', pin: { modelId: 'qwen2.5-coder:1.5b-base', scope: 'conversation' } },
    { type: 'send', id: 'q2', text: 'unicode ✓ 日本語', pin: { modelId: 'openrouter/anthropic/claude 3.5', scope: 'next' } },
  ],
  stop: [{ type: 'stop', id: 'q1' }],
  copyCode: [
    { type: 'copyCode', code: 'const a = 1;' },
    { type: 'copyCode', code: 'x', turnId: 'q1' },
  ],
  insertCode: [
    { type: 'insertCode', code: 'print(1)\n' },
    { type: 'insertCode', code: 'c'.repeat(MAX_CODE_CHARS), turnId: 'q1' },
  ],
  applyCode: [{ type: 'applyCode', code: 'fn main() {}', turnId: 'q-9' }],
  addFileContext: [{ type: 'addFileContext', id: 'f1' }],
  removeContext: [{ type: 'removeContext', chipId: 'chip-1' }],
  toggleContext: [
    { type: 'toggleContext', chipId: 'selection', enabled: false },
    { type: 'toggleContext', chipId: 'activeFile', enabled: true },
  ],
  newConversation: [{ type: 'newConversation' }],
  setPin: [
    { type: 'setPin', modelId: 'gpt-4.1', scope: 'conversation' },
    { type: 'setPin', modelId: null, scope: 'next' },
  ],
  openRouterPanel: [{ type: 'openRouterPanel' }],
  runCommand: [
    { type: 'runCommand', command: 'switchboard.setApiKey' },
    { type: 'runCommand', command: 'switchboard.setApiKey', args: ['anthropic'] },
    { type: 'runCommand', command: 'switchboard.setApiKey', args: ['openai-compatible'] },
    { type: 'runCommand', command: 'switchboard.showLog' },
    { type: 'runCommand', command: 'switchboard.showLog', args: [] },
    { type: 'runCommand', command: 'workbench.action.openSettings', args: ['switchboard.budgets.daily'] },
    { type: 'runCommand', command: 'workbench.action.openSettings', args: ['@ext:switchboard-dev.switchboard'] },
  ],
};

describe('chat protocol: parseChatWebviewMessage', () => {
  describe('accepts every valid message', () => {
    for (const [type, messages] of Object.entries(validByType)) {
      messages.forEach((message, i) => {
        it(`${type} #${i + 1}`, () => {
          // A structured clone is what postMessage delivers.
          const parsed = parseChatWebviewMessage(structuredClone(message));
          assert.deepEqual(parsed, message);
        });
      });
    }
  });

  it('returns a copy without anything it did not check', () => {
    const parsed = parseChatWebviewMessage({ type: 'send', id: 'q1', text: 'hi' });
    assert.deepEqual(Object.keys(parsed ?? {}).sort(), ['id', 'text', 'type']);
  });

  const rejected: Array<[string, unknown]> = [
    // Not a message at all.
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ready'],
    ['a number', 42],
    ['an array', [{ type: 'ready' }]],
    ['an empty object', {}],
    ['a missing type', { id: 'q1', text: 'hi' }],
    ['a non-string type', { type: 1 }],
    // Unknown types and look-alikes.
    ['an unknown type', { type: 'eval', code: '1' }],
    ['a type in the wrong case', { type: 'Ready' }],
    ['a host→webview type', { type: 'answerDelta', id: 'q1', text: 'x' }],
    ['a type with a trailing space', { type: 'ready ' }],
    // Extra properties (strict objects).
    ['ready with an extra field', { type: 'ready', extra: true }],
    ['send with an extra field', { type: 'send', id: 'q1', text: 'hi', model: 'x' }],
    ['a pin with an extra field', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: 'm', scope: 'next', force: true } }],
    ['newConversation with a payload', { type: 'newConversation', keep: 1 }],
    ['a __proto__ key', JSON.parse('{"type":"ready","__proto__":{"polluted":true}}')],
    // send
    ['send without id', { type: 'send', text: 'hi' }],
    ['send without text', { type: 'send', id: 'q1' }],
    ['send with empty text', { type: 'send', id: 'q1', text: '' }],
    ['send with whitespace-only text', { type: 'send', id: 'q1', text: ' \n\t ' }],
    ['send with text one over the limit', { type: 'send', id: 'q1', text: 'x'.repeat(MAX_CHAT_TEXT_CHARS + 1) }],
    ['send with a huge text', { type: 'send', id: 'q1', text: 'x'.repeat(5_000_000) }],
    ['send with non-string text', { type: 'send', id: 'q1', text: ['hi'] }],
    ['send with a numeric id', { type: 'send', id: 1, text: 'hi' }],
    ['send with an empty id', { type: 'send', id: '', text: 'hi' }],
    ['send with a 65-char id', { type: 'send', id: 'a'.repeat(65), text: 'hi' }],
    ['send with a selector-breaking id', { type: 'send', id: 'q1"]', text: 'hi' }],
    ['send with a path-like id', { type: 'send', id: '../x', text: 'hi' }],
    ['send with a spaced id', { type: 'send', id: 'q 1', text: 'hi' }],
    ['send with a pin scope not allowed', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: 'm', scope: 'forever' } }],
    ['send with a null pin', { type: 'send', id: 'q1', text: 'hi', pin: null }],
    ['send with a pin without model', { type: 'send', id: 'q1', text: 'hi', pin: { scope: 'next' } }],
    ['send with an empty model id', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: '', scope: 'next' } }],
    ['send with a padded model id', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: ' gpt-4.1', scope: 'next' } }],
    ['send with a control character in the model id', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: 'gpt\n4', scope: 'next' } }],
    ['send with a 201-char model id', { type: 'send', id: 'q1', text: 'hi', pin: { modelId: 'm'.repeat(201), scope: 'next' } }],
    // stop
    ['stop without id', { type: 'stop' }],
    ['stop with a bad id', { type: 'stop', id: 'q1;drop' }],
    // code actions
    ['copyCode without code', { type: 'copyCode' }],
    ['copyCode with empty code', { type: 'copyCode', code: '' }],
    ['insertCode with code over the limit', { type: 'insertCode', code: 'c'.repeat(MAX_CODE_CHARS + 1) }],
    ['applyCode with non-string code', { type: 'applyCode', code: { text: 'x' } }],
    ['applyCode with a bad turn id', { type: 'applyCode', code: 'x', turnId: 'a b' }],
    ['applyCode with a file path', { type: 'applyCode', code: 'x', path: '/etc/passwd' }],
    // context
    ['addFileContext without id', { type: 'addFileContext' }],
    ['addFileContext with a path', { type: 'addFileContext', id: 'f1', path: '/etc/passwd' }],
    ['removeContext without chipId', { type: 'removeContext' }],
    ['removeContext with a bad chipId', { type: 'removeContext', chipId: '<img>' }],
    ['toggleContext without enabled', { type: 'toggleContext', chipId: 'c1' }],
    ['toggleContext with a string boolean', { type: 'toggleContext', chipId: 'c1', enabled: 'true' }],
    // setPin
    ['setPin without scope', { type: 'setPin', modelId: 'gpt-4.1' }],
    ['setPin without modelId', { type: 'setPin', scope: 'next' }],
    ['setPin with a numeric modelId', { type: 'setPin', modelId: 7, scope: 'next' }],
    ['setPin with an unknown scope', { type: 'setPin', modelId: null, scope: 'workspace' }],
    // runCommand: only the allow-list, only the arguments each takes
    ['runCommand without command', { type: 'runCommand' }],
    [
      'runCommand with an arbitrary command',
      { type: 'runCommand', command: 'workbench.action.terminal.sendSequence', args: [{ text: 'rm -rf ~\n' }] },
    ],
    ['runCommand with another extension command', { type: 'runCommand', command: 'git.push' }],
    ['runCommand with a Switchboard command not allowed', { type: 'runCommand', command: 'switchboard.clearApiKey' }],
    ['runCommand with the allow-listed name in another case', { type: 'runCommand', command: 'Switchboard.setApiKey' }],
    ['setApiKey with an unknown provider', { type: 'runCommand', command: 'switchboard.setApiKey', args: ['evil'] }],
    ['setApiKey with two arguments', { type: 'runCommand', command: 'switchboard.setApiKey', args: ['openai', 'sk-123'] }],
    ['setApiKey with a non-array args', { type: 'runCommand', command: 'switchboard.setApiKey', args: 'openai' }],
    ['showLog with an argument', { type: 'runCommand', command: 'switchboard.showLog', args: ['x'] }],
    ['openSettings for another setting', { type: 'runCommand', command: 'workbench.action.openSettings', args: ['http.proxy'] }],
    ['openSettings for a look-alike prefix', { type: 'runCommand', command: 'workbench.action.openSettings', args: ['switchboardx'] }],
    [
      'openSettings with another extension filter',
      { type: 'runCommand', command: 'workbench.action.openSettings', args: ['@ext:evil.switchboard'] },
    ],
    [
      'openSettings with a JSON argument',
      { type: 'runCommand', command: 'workbench.action.openSettings', args: [{ query: 'switchboard' }] },
    ],
    ['runCommand with an extra field', { type: 'runCommand', command: 'switchboard.showLog', when: 'always' }],
  ];

  describe('rejects malformed, unknown and oversized messages', () => {
    for (const [what, raw] of rejected) {
      it(what, () => {
        assert.equal(parseChatWebviewMessage(raw), undefined);
      });
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
    assert.doesNotThrow(() => parseChatWebviewMessage(throwing));
    assert.doesNotThrow(() => parseChatWebviewMessage(Object.create(null)));
  });

  it('explains a rejection by field and rule, without echoing the content', () => {
    const secret = 'sk-live-should-not-appear';
    const check = checkChatWebviewMessage({ type: 'send', id: 'q1', text: secret + 'x'.repeat(MAX_CHAT_TEXT_CHARS) });
    assert.equal(check.ok, false);
    if (check.ok) return;
    assert.match(check.problem, /^text: /);
    assert.match(check.problem, /100000/);
    assert.doesNotMatch(check.problem, /sk-live/);
  });

  it('explains an unknown type', () => {
    const check = checkChatWebviewMessage({ type: 'eval' });
    assert.equal(check.ok, false);
    if (!check.ok) assert.match(check.problem, /type/);
  });
});
