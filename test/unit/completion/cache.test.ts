import assert from 'node:assert/strict';
import { completionCacheKey, KEY_PREFIX_CHARS, KEY_SUFFIX_CHARS, LruCache } from '../../../src/core/completion/cache';

describe('cache: LRU', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('b'), 2);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });

  it('a read makes an entry recent', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('b'), undefined);
  });

  it('overwriting keeps one entry', () => {
    const cache = new LruCache<number>(3);
    cache.set('a', 1);
    cache.set('a', 2);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('a'), 2);
  });

  it('never grows past its bound', () => {
    const cache = new LruCache<number>(50);
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, i);
    assert.equal(cache.size, 50);
    assert.equal(cache.get('k999'), 999);
    assert.equal(cache.get('k949'), undefined);
  });

  it('refuses a bound below one', () => assert.throws(() => new LruCache(0), /at least one entry/));
});

describe('cache: key', () => {
  const base = completionCacheKey('m', 'a.ts', 'const a = ', ';\n');
  it('depends on model, file, prefix and suffix', () => {
    assert.notEqual(completionCacheKey('m2', 'a.ts', 'const a = ', ';\n'), base);
    assert.notEqual(completionCacheKey('m', 'b.ts', 'const a = ', ';\n'), base);
    assert.notEqual(completionCacheKey('m', 'a.ts', 'const a =', ';\n'), base);
    assert.notEqual(completionCacheKey('m', 'a.ts', 'const a = ', ';'), base);
    assert.equal(completionCacheKey('m', 'a.ts', 'const a = ', ';\n'), base);
  });
  it('does not confuse where one part ends and the next begins', () => {
    assert.notEqual(completionCacheKey('m', 'a.ts', 'ab', 'c'), completionCacheKey('m', 'a.ts', 'a', 'bc'));
  });
  it('ignores text far from the cursor', () => {
    const near = 'x'.repeat(KEY_PREFIX_CHARS);
    assert.equal(completionCacheKey('m', 'a.ts', `AAA${near}`, 'y'), completionCacheKey('m', 'a.ts', `BBB${near}`, 'y'));
    const after = 'z'.repeat(KEY_SUFFIX_CHARS);
    assert.equal(completionCacheKey('m', 'a.ts', 'p', `${after}AAA`), completionCacheKey('m', 'a.ts', 'p', `${after}BBB`));
  });
  it('is short whatever the text size', () => {
    assert.ok(completionCacheKey('m', 'a.ts', 'p'.repeat(100_000), 's'.repeat(100_000)).length < 40);
  });
});
