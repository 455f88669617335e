import * as assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/ports';
import { registerFeatures } from '../../../src/vscode/features';

function recordingLogger(errors: string[]): Logger {
  return { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => void errors.push(m) };
}

describe('registerFeatures', () => {
  it('a feature that throws at registration does not stop the others, and is logged with its name', () => {
    const registered: string[] = [];
    const errors: string[] = [];
    const shown: string[] = [];
    const outcomes = registerFeatures(
      [
        { name: 'registerFoundation', core: true, register: () => void registered.push('foundation') },
        {
          name: 'registerChat',
          core: true,
          register: () => {
            throw new Error('no webview for you');
          },
        },
        { name: 'registerEditCommands', core: true, register: () => void registered.push('edits') },
        { name: 'registerRoutingCommands', core: false, register: () => void registered.push('routing') },
      ],
      { logger: recordingLogger(errors), showError: (m) => void shown.push(m) },
    );
    assert.deepEqual(registered, ['foundation', 'edits', 'routing']);
    assert.deepEqual(
      outcomes.map((o) => [o.name, o.error?.message]),
      [
        ['registerFoundation', undefined],
        ['registerChat', 'no webview for you'],
        ['registerEditCommands', undefined],
        ['registerRoutingCommands', undefined],
      ],
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^registerChat could not be registered: .*no webview for you/);
    assert.equal(shown.length, 1, 'the user is told once');
    assert.match(shown[0], /registerChat failed to start/);
  });

  it('shows one message for several failed core features, none for a failed optional one', () => {
    const shown: string[] = [];
    const boom = () => {
      throw new Error('boom');
    };
    registerFeatures(
      [
        { name: 'a', core: true, register: boom },
        { name: 'b', core: true, register: boom },
      ],
      { logger: recordingLogger([]), showError: (m) => void shown.push(m) },
    );
    assert.equal(shown.length, 1);
    assert.match(shown[0], /a, b failed to start/);

    const none: string[] = [];
    registerFeatures([{ name: 'optional', core: false, register: boom }], {
      logger: recordingLogger([]),
      showError: (m) => void none.push(m),
    });
    assert.deepEqual(none, []);
  });

  it('times each registration with the given clock', () => {
    let t = 0;
    const outcomes = registerFeatures([{ name: 'slow', core: true, register: () => void (t += 7) }], {
      logger: recordingLogger([]),
      showError: () => undefined,
      now: () => t,
    });
    assert.equal(outcomes[0].ms, 7);
  });
});
