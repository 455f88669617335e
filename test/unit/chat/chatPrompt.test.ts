import assert from 'node:assert/strict';
import { CHAT_SYSTEM_PROMPT, buildChatPrompt } from '../../../src/core/chat/chatPrompt';
import type { ChatContextSource } from '../../../src/core/chat/chatPrompt';
import { estimateTokens } from '../../../src/core/prompt/context';
import type { AnswerMeta, ChatTurn } from '../../../src/shared/protocol';

function lines(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

const META: AnswerMeta = {
  modelId: 'm',
  modelLabel: 'm',
  tier: 'mid',
  provider: 'openai',
  reasons: [],
  dropped: [],
  fallbacks: [],
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  costUsd: 0,
  ttftMs: 1,
  totalMs: 2,
  stopped: false,
};

const BIG = { contextBudgetTokens: 100_000, historyBudgetTokens: 100_000 };

describe('chat prompt', () => {
  it('is the system prompt and the question alone when there is no context or history', () => {
    const p = buildChatPrompt({ history: [], question: 'What is a monad?', context: [], ...BIG });
    assert.deepEqual(p.messages, [
      { role: 'system', content: CHAT_SYSTEM_PROMPT },
      { role: 'user', content: 'What is a monad?' },
    ]);
    assert.equal(p.fileCount, 0);
    assert.deepEqual(p.notes, []);
    assert.equal(p.promptTokens, estimateTokens(CHAT_SYSTEM_PROMPT) + 4 + estimateTokens('What is a monad?') + 4);
  });

  it('puts the selection, then files, then the active file, fenced with their paths, before the question', () => {
    const context: ChatContextSource[] = [
      { kind: 'selection', path: 'src/a.ts', languageId: 'typescript', text: 'const x = 1;', startLine: 3, endLine: 3 },
      { kind: 'file', path: 'src/b.py', languageId: 'python', text: 'def f():\n    pass\n' },
      { kind: 'activeFile', path: 'src/a.ts', languageId: 'typescript', text: 'line 1\nline 2\nconst x = 1;\n' },
    ];
    const p = buildChatPrompt({ history: [], question: 'Explain this.', context, ...BIG });
    const user = p.messages[p.messages.length - 1].content;
    const sel = user.indexOf('Selected code in src/a.ts (lines 3–3):\n```typescript\nconst x = 1;\n```');
    const file = user.indexOf('File src/b.py:\n```python\ndef f():\n    pass\n```');
    const active = user.indexOf('The file open in my editor, src/a.ts:\n```typescript\nline 1');
    assert.ok(sel > 0 && file > sel && active > file, user);
    assert.ok(user.startsWith('Context from my editor:'));
    assert.ok(user.endsWith('My question:\nExplain this.'));
    assert.equal(p.fileCount, 2);
  });

  it('fences code that itself contains a fence with a longer fence', () => {
    const p = buildChatPrompt({
      history: [],
      question: 'q',
      context: [{ kind: 'file', path: 'README.md', text: '```js\nx\n```\n' }],
      ...BIG,
    });
    assert.match(p.messages[1].content, /````\n```js\nx\n```\n````/);
  });

  it('sends a file added twice (or also open) once', () => {
    const context: ChatContextSource[] = [
      { kind: 'file', path: 'src/a.ts', text: 'a\n' },
      { kind: 'file', path: 'src/a.ts', text: 'a\n' },
      { kind: 'activeFile', path: 'src/a.ts', text: 'a\n' },
    ];
    const p = buildChatPrompt({ history: [], question: 'q', context, ...BIG });
    assert.equal(p.messages[1].content.split('src/a.ts').length - 1, 1);
    assert.equal(p.fileCount, 1);
  });

  it('cuts context to the budget: the first piece whole, a later one truncated from its end with a note, the rest left out', () => {
    const context: ChatContextSource[] = [
      { kind: 'selection', path: 'src/a.ts', text: lines('sel', 20), startLine: 1, endLine: 20 },
      { kind: 'file', path: 'src/big.ts', text: lines('big', 2000) },
      { kind: 'activeFile', path: 'src/other.ts', text: lines('other', 2000) },
    ];
    const p = buildChatPrompt({ history: [], question: 'q', context, contextBudgetTokens: 600, historyBudgetTokens: 0 });
    const user = p.messages[1].content;
    assert.match(user, /sel 20\n/);
    assert.match(user, /big 1\n/);
    assert.doesNotMatch(user, /big 2000/);
    assert.match(user, /\(only the first \d+ of 2000 lines are shown\)/);
    assert.doesNotMatch(user, /other 1\n/);
    assert.equal(p.fileCount, 2);
    assert.ok(
      p.notes.some((n) => n.startsWith('src/big.ts: showing the first')),
      p.notes.join('\n'),
    );
    assert.ok(
      p.notes.some((n) => n.startsWith('src/other.ts: left out')),
      p.notes.join('\n'),
    );
    // The context stays within its budget (plus the fixed wrapper and question).
    assert.ok(estimateTokens(user) <= 600 + 40, `${estimateTokens(user)} tokens`);
  });

  it('carries earlier finished turns, newest kept first under the history budget; failed turns are skipped', () => {
    const history: ChatTurn[] = [
      { id: 't1', userText: 'old question', answerText: 'x'.repeat(3500), meta: META },
      { id: 't2', userText: 'failed question', answerText: '', error: { message: 'boom' } },
      { id: 't3', userText: 'recent question', answerText: 'recent answer', meta: { ...META, stopped: true } },
    ];
    const p = buildChatPrompt({ history, question: 'now', context: [], contextBudgetTokens: 0, historyBudgetTokens: 200 });
    assert.deepEqual(
      p.messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(p.messages[1].content, 'recent question');
    assert.match(p.messages[2].content, /^recent answer\n\n\(The user stopped this answer/);
    assert.equal(p.messages[3].content, 'now');
    assert.ok(
      p.notes.some((n) => /1 oldest turn/.test(n)),
      p.notes.join('\n'),
    );

    const all = buildChatPrompt({ history, question: 'now', context: [], contextBudgetTokens: 0, historyBudgetTokens: 10_000 });
    assert.deepEqual(
      all.messages.map((m) => m.content.slice(0, 12)),
      [CHAT_SYSTEM_PROMPT.slice(0, 12), 'old question', 'x'.repeat(12), 'recent quest', 'recent answe', 'now'],
    );
  });
});
