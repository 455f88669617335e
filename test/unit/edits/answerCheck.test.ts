import assert from 'node:assert/strict';
import { unusableAnswer } from '../../../src/core/edits/answerCheck';
import type { FinalRecord, ModelRef, StopReason } from '../../../src/core/types';

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
