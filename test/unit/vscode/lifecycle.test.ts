import * as assert from 'node:assert/strict';
import { Disposable } from '../../../src/vscode/lifecycle';

class Owner extends Disposable {
  add<T extends { dispose(): void }>(x: T): T {
    return this._register(x);
  }
}

describe('Disposable', () => {
  it('disposes what it registered once, in order, and goes on past one that throws', () => {
    const ended: string[] = [];
    const owner = new Owner();
    owner.add({ dispose: () => void ended.push('a') });
    owner.add({
      dispose: () => {
        throw new Error('boom');
      },
    });
    owner.add({ dispose: () => void ended.push('c') });
    owner.dispose();
    owner.dispose();
    assert.deepEqual(ended, ['a', 'c']);
  });

  it('disposes at once what is registered after it was disposed', () => {
    const owner = new Owner();
    owner.dispose();
    let ended = false;
    const x = owner.add({ dispose: () => void (ended = true) });
    assert.ok(ended);
    assert.equal(typeof x.dispose, 'function', 'returns what it was given');
  });
});
