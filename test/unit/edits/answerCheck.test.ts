import assert from 'node:assert/strict';
import { unusableAnswer } from '../../../src/vscode/edits/answerCheck';
import { promptBudgetTokens, MIN_PROMPT_TOKENS } from '../../../src/vscode/edits/promptBudget';
import type { FinalRecord, ModelRef, StopReason } from '../../../src/core/types';
import { DEFAULT_OUTPUT_TOKENS } from '../../../src/core/router/route';
import { settingsWith } from '../router/fixtures';

const model: ModelRef = { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 100_000 };
const final = (stopReason: StopReason): FinalRecord => ({
  model: 'gpt-6-luna',
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  ttftMs: 1,
  totalMs: 2,
  stopReason,
});

describe('whether an edit answer may be applied', () => {
  it('only when the stream ended by itself', () => {
    assert.equal(unusableAnswer({ model, aborted: false, final: final('stop') }), undefined);
  });

  it('never when it was cut off, stopped, or ended without its final record', () => {
    assert.match(
      unusableAnswer({ model, aborted: false, final: final('length') })!,
      /gpt-6-luna hit its output-token limit and was cut off, so nothing was applied/,
    );
    assert.match(unusableAnswer({ model, aborted: true, final: final('stop') })!, /stopped before it was complete/);
    assert.match(unusableAnswer({ model, aborted: false, final: final('aborted') })!, /stopped before it was complete/);
    assert.match(unusableAnswer({ model, aborted: false, final: null })!, /without its closing record/);
    for (const reason of ['stopSequence', 'toolUse', 'other'] as const)
      assert.match(unusableAnswer({ model, aborted: false, final: final(reason) })!, new RegExp(`stop reason "${reason}"`));
  });
});

describe('prompt budget', () => {
  const settings = settingsWith({
    models: [
      { id: 'small', provider: 'openai', model: 'small', tier: 'mid', contextWindow: 16_000 },
      { id: 'large', provider: 'openai', model: 'large', tier: 'frontier', contextWindow: 1_000_000 },
      { id: 'tiny', provider: 'openai', model: 'tiny', tier: 'mid', contextWindow: 2048 },
    ],
    routes: { completion: [], edit: ['large', 'small'], refactor: ['large'], chat: ['tiny'] },
  });

  it('fits the smallest model of the route, with room for the answer', () => {
    assert.equal(promptBudgetTokens(settings, 'edit', 100_000), Math.floor((16_000 - DEFAULT_OUTPUT_TOKENS.edit) * 0.9));
  });

  it('never exceeds the cap, and never goes below the floor', () => {
    assert.equal(promptBudgetTokens(settings, 'refactor', 50_000), 50_000);
    assert.equal(promptBudgetTokens(settings, 'chat', 50_000), MIN_PROMPT_TOKENS);
  });
});
