// A bounded least-recently-used map, and the key under which a completion is cached: the model,
// the file, the end of the text before the cursor and the start of the text after it.

export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError(`LruCache needs room for at least one entry (got ${maxEntries}).`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Re-inserting moves the key to the newest end of the Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Characters of context in the key: beyond these, two cursors are the same place for the model. */
export const KEY_PREFIX_CHARS = 1500;
export const KEY_SUFFIX_CHARS = 500;

/**
 * Two independent 32-bit FNV-1a style hashes over UTF-16 units. Hashing (instead of keeping the text)
 * keeps keys small and stops them from pinning whole document versions in memory.
 */
function hash64(parts: readonly string[]): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // Separates parts so ("ab","c") and ("a","bc") differ.
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function completionCacheKey(model: string, filePath: string, prefix: string, suffix: string): string {
  const prefixTail = prefix.length > KEY_PREFIX_CHARS ? prefix.slice(prefix.length - KEY_PREFIX_CHARS) : prefix;
  const suffixHead = suffix.length > KEY_SUFFIX_CHARS ? suffix.slice(0, KEY_SUFFIX_CHARS) : suffix;
  return `${hash64([model, filePath, prefixTail, suffixHead])}:${prefixTail.length}:${suffixHead.length}`;
}
