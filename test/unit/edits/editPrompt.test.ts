import assert from 'node:assert/strict';
import { buildEditSelectionPrompt, buildRefactorPrompt, extractReplacementCode } from '../../../src/core/edits/editPrompt';
import { PromptTooLargeError, fenceFor } from '../../../src/core/prompt/context';
import { parseAndApplySearchReplace, SEARCH_REPLACE_INSTRUCTIONS } from '../../../src/core/edits/searchReplace';

function numberedLines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `${prefix} line ${i + 1}`).join('\n') + '\n';
}

describe('edit selection prompt', () => {
  const before = numberedLines('before', 400);
  const after = numberedLines('after', 400);
  const selection = '  const total = items.reduce((s, i) => s + i.price, 0);\n';

  it('includes the instruction, the whole selection and the nearest context within the budget', () => {
    const budget = 1200;
    const prompt = buildEditSelectionPrompt({
      instruction: 'use a for loop',
      path: 'src/cart.ts',
      languageId: 'typescript',
      before,
      selection,
      after,
      maxPromptTokens: budget,
    });
    assert.equal(prompt.messages.length, 2);
    assert.equal(prompt.messages[0].role, 'system');
    assert.match(prompt.messages[0].content, /only the code that replaces the selected code/);
    const user = prompt.messages[1].content;
    assert.ok(user.includes('Instruction: use a for loop'));
    assert.ok(user.includes(selection));
    assert.ok(user.includes('src/cart.ts'));
    assert.ok(user.includes('before line 400\n'), 'the line just above the selection');
    assert.ok(user.includes('after line 1\n'), 'the line just below the selection');
    assert.ok(!user.includes('before line 1\n'), 'the far top is cut');
    assert.ok(!user.includes('after line 400\n'), 'the far bottom is cut');
    assert.match(user, /the \d+ lines above these are not shown/);
    assert.equal(prompt.notes.length, 2);
    assert.ok(prompt.estimatedTokens <= budget, `${prompt.estimatedTokens} <= ${budget}`);
    assert.ok(prompt.estimatedTokens > budget * 0.8, 'the budget is used, not wasted');
    assert.ok(user.indexOf('before line 400') < user.indexOf(selection) && user.indexOf(selection) < user.indexOf('after line 1\n'));
  });

  it('shows the whole file without notes when it fits', () => {
    const prompt = buildEditSelectionPrompt({
      instruction: 'x',
      path: 'a.py',
      languageId: 'python',
      before: 'import os\n',
      selection: 'print(1)\n',
      after: 'print(2)\n',
      maxPromptTokens: 4000,
    });
    assert.deepEqual(prompt.notes, []);
    assert.ok(prompt.messages[1].content.includes('import os') && prompt.messages[1].content.includes('print(2)'));
  });

  it('gives the code below the selection a share even when the code above is huge', () => {
    const prompt = buildEditSelectionPrompt({
      instruction: 'x',
      path: 'a.ts',
      languageId: 'typescript',
      before: numberedLines('before', 5000),
      selection: 'x\n',
      after: numberedLines('after', 5000),
      maxPromptTokens: 2000,
    });
    assert.ok(prompt.messages[1].content.includes('after line 1\n'));
    assert.ok(prompt.estimatedTokens <= 2000);
  });

  it('uses a longer fence when the selection contains one', () => {
    const md = 'Example:\n```js\nrun();\n```\n';
    assert.equal(fenceFor(md), '````');
    const prompt = buildEditSelectionPrompt({
      instruction: 'x',
      path: 'README.md',
      languageId: 'markdown',
      before: '',
      selection: md,
      after: '',
      maxPromptTokens: 4000,
    });
    assert.ok(prompt.messages[1].content.includes(`\`\`\`\`markdown\n${md}\`\`\`\``));
  });

  it('throws a clear error when the selection alone is over budget', () => {
    assert.throws(
      () =>
        buildEditSelectionPrompt({
          instruction: 'x',
          path: 'a.ts',
          languageId: 'typescript',
          before: '',
          selection: 'y'.repeat(10_000),
          after: '',
          maxPromptTokens: 1000,
        }),
      (error: unknown) =>
        error instanceof PromptTooLargeError &&
        error.budgetTokens === 1000 &&
        error.neededTokens > 2857 &&
        /Select less/.test(error.message),
    );
  });
});

describe('extracting the replacement code', () => {
  it('takes the fenced block out of prose', () => {
    const answer =
      'Sure! Here is the updated code:\n\n```typescript\nlet total = 0;\nfor (const i of items) total += i.price;\n```\n\nThis avoids reduce.';
    assert.equal(extractReplacementCode(answer), 'let total = 0;\nfor (const i of items) total += i.price;');
  });

  it('takes the longest block when there are several', () => {
    const answer = 'Change `a`:\n```ts\nx\n```\nto:\n```ts\nlonger();\nlines();\n```\n';
    assert.equal(extractReplacementCode(answer), 'longer();\nlines();');
  });

  it('uses a bare answer as is, without surrounding blank lines', () => {
    assert.equal(extractReplacementCode('\n\n  return 1;\n\n'), '  return 1;');
  });

  it('takes what there is of a fence the stream cut off', () => {
    assert.equal(extractReplacementCode('```py\ndef f():\n    return 1'), 'def f():\n    return 1');
  });

  it('gives the code the selection’s trailing line break, CRLF endings and indentation', () => {
    assert.equal(extractReplacementCode('```\nfoo()\n```', 'bar()\n'), 'foo()\n');
    assert.equal(extractReplacementCode('foo()\n\n', 'bar()'), 'foo()');
    assert.equal(extractReplacementCode('```\na()\nb()\n```', 'x()\r\ny()\r\n'), 'a()\r\nb()\r\n');
    assert.equal(
      extractReplacementCode('```\nif (a) {\n  b();\n}\n```', '    old();\n    older();\n'),
      '    if (a) {\n      b();\n    }\n',
    );
    assert.equal(extractReplacementCode('```\n    kept();\n```', '    old();\n'), '    kept();\n', 'already indented: unchanged');
    // A selection that starts mid-line has no indentation on its first line: leave the code alone.
    assert.equal(extractReplacementCode('```\nfoo(1)\n```', 'foo(0)'), 'foo(1)');
  });

  it('keeps fences that belong to a markdown selection, unwrapping only an outer fence', () => {
    const selection = 'Run:\n```sh\nnpm test\n```\n';
    const bare = 'Run this:\n```sh\nnpm run test\n```\n';
    assert.equal(extractReplacementCode(bare, selection), bare);
    const wrapped = '````markdown\nRun this:\n```sh\nnpm run test\n```\n````';
    assert.equal(extractReplacementCode(wrapped, selection), bare);
  });
});

describe('refactor prompt', () => {
  const a = { path: 'src/a.ts', text: "import { b } from './b';\nexport const a = () => b();\n", languageId: 'typescript' };
  const b = { path: 'src/b.ts', text: 'export function b(): number {\n  return 1;\n}\n', languageId: 'typescript' };
  const big = { path: 'src/big.ts', text: numberedLines('big', 3000), languageId: 'typescript' };
  const types = { path: 'src/types.ts', text: numberedLines('type', 50), languageId: 'typescript' };

  it('has the search/replace instructions and the files in priority order', () => {
    const prompt = buildRefactorPrompt({
      instruction: 'rename b to computeB',
      selection: { path: 'src/b.ts', text: 'export function b(): number {', startLine: 1, endLine: 1, languageId: 'typescript' },
      pickedFiles: [a, b],
      referencedFiles: [types, b],
      maxPromptTokens: 8000,
    });
    assert.ok(prompt.messages[0].content.includes(SEARCH_REPLACE_INSTRUCTIONS));
    const user = prompt.messages[1].content;
    assert.ok(user.startsWith('Instruction: rename b to computeB'));
    assert.match(user, /Selected code in src\/b\.ts \(lines 1–1\)/);
    const order = ['\nsrc/b.ts\n```typescript', '\nsrc/a.ts\n```typescript', '\nsrc/types.ts\n```typescript'].map((marker) =>
      user.indexOf(marker),
    );
    assert.ok(
      order.every((i) => i > 0),
      `all files present: ${order.join(', ')}`,
    );
    assert.ok(order[0] < order[1] && order[1] < order[2], 'selection file, then picked, then referenced');
    assert.equal(user.split('\nsrc/b.ts\n').length - 1, 1, 'a file listed twice is shown once');
    assert.deepEqual(prompt.includedFiles, ['src/b.ts', 'src/a.ts', 'src/types.ts']);
    assert.deepEqual([prompt.truncatedFiles, prompt.omittedFiles, prompt.notes], [[], [], []]);
  });

  it('truncates and leaves out files to stay under the budget, and says so to the model and the user', () => {
    const budget = 3000;
    const prompt = buildRefactorPrompt({ instruction: 'tidy', pickedFiles: [a, big], referencedFiles: [types], maxPromptTokens: budget });
    assert.deepEqual(prompt.includedFiles, ['src/a.ts']);
    assert.deepEqual(prompt.truncatedFiles, ['src/big.ts']);
    assert.deepEqual(prompt.omittedFiles, ['src/types.ts']);
    const user = prompt.messages[1].content;
    assert.match(user, /\(only the first \d+ of 3000 lines are shown; do not edit the rest\)/);
    assert.ok(user.includes('Not shown to save space (do not edit them): src/types.ts.'));
    assert.equal(prompt.notes.length, 2);
    assert.ok(prompt.estimatedTokens <= budget, `${prompt.estimatedTokens} <= ${budget}`);
  });

  it('round-trips: an answer quoting the shown file applies to it', () => {
    const prompt = buildRefactorPrompt({ instruction: 'return 2', pickedFiles: [b], referencedFiles: [], maxPromptTokens: 4000 });
    assert.ok(prompt.messages[1].content.includes(b.text));
    const answer = 'Done.\n\nsrc/b.ts\n```typescript\n<<<<<<< SEARCH\n  return 1;\n=======\n  return 2;\n>>>>>>> REPLACE\n```\n';
    const result = parseAndApplySearchReplace(answer, new Map([[b.path, b.text]]));
    assert.ok(result.ok);
    assert.equal(result.files[0].newText, b.text.replace('return 1', 'return 2'));
  });

  it('throws when the instruction and selection alone are over budget', () => {
    assert.throws(
      () =>
        buildRefactorPrompt({
          instruction: 'x',
          selection: { path: 'a', text: 'z'.repeat(20_000), startLine: 1, endLine: 1 },
          pickedFiles: [],
          referencedFiles: [],
          maxPromptTokens: 2000,
        }),
      PromptTooLargeError,
    );
  });
});
