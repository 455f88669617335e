import assert from 'node:assert/strict';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';

// esbuild.js is the build script (CommonJS); required for the options both extension-host bundles share.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeBundle } = require('../../../esbuild.js') as { nodeBundle: Record<string, unknown> };

const ROOT = path.resolve(__dirname, '../../..');

/** Bundles the settings schema (zod objects built at load) with these options and loads it, counting reads of `navigator`. */
async function navigatorReadsAtLoad(options: Record<string, unknown>): Promise<number> {
  const out = await build({
    ...options,
    entryPoints: [path.join(ROOT, 'src/core/settings/schema.ts')],
    bundle: true,
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  // What VS Code's extension host does: a getter that reports every read as a PendingMigrationError.
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  let reads = 0;
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    get: () => {
      reads++;
      return undefined;
    },
  });
  try {
    const module = { exports: {} as Record<string, unknown> };
    const load = vm.runInThisContext(`(function (exports, require, module) {${code}\n})`) as (
      e: unknown,
      r: NodeJS.Require,
      m: unknown,
    ) => void;
    load(module.exports, require, module);
    assert.ok(module.exports.DEFAULT_SETTINGS, 'the bundle loaded');
  } finally {
    if (previous) Object.defineProperty(globalThis, 'navigator', previous);
    else delete (globalThis as { navigator?: unknown }).navigator;
  }
  return reads;
}

describe('extension-host bundle options (esbuild.js)', () => {
  it('the bundle never reads the global navigator while loading, so VS Code logs no PendingMigrationError', async () => {
    assert.ok(
      (await navigatorReadsAtLoad({ platform: 'node', format: 'cjs' })) > 0,
      'zod reads navigator as it builds its first object schema',
    );
    assert.equal(await navigatorReadsAtLoad({ platform: 'node', format: 'cjs', ...nodeBundle }), 0);
  });
});
