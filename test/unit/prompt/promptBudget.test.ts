import assert from 'node:assert/strict';
import { promptBudgetTokens, MIN_PROMPT_TOKENS } from '../../../src/core/prompt/promptBudget';
import { DEFAULT_OUTPUT_TOKENS } from '../../../src/core/router/route';
import { settingsWith } from '../router/fixtures';

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
