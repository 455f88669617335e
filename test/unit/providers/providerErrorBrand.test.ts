import assert from 'node:assert/strict';
import { ProviderError, isProviderError } from '../../../src/core/providers/provider';

describe('ProviderError across bundles', () => {
  it('is recognised when it comes from another copy of the class (dist/providers.js is its own bundle)', () => {
    // What another bundle's ProviderError looks like from here: an Error with the shared brand, not our class.
    const foreign = Object.assign(new Error('Anthropic is overloaded (529: Overloaded); try again shortly.'), {
      [Symbol.for('switchboard.ProviderError')]: true,
      kind: 'overloaded',
    });
    assert.equal(foreign instanceof ProviderError, false);
    assert.equal(isProviderError(foreign), true);
    assert.equal(isProviderError(new ProviderError({ kind: 'auth', provider: 'openai', model: 'm', message: 'x' })), true);
    assert.equal(isProviderError(new Error('plain')), false);
    assert.equal(isProviderError({ [Symbol.for('switchboard.ProviderError')]: true }), false);
  });
});
