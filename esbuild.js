// Builds the extension bundles (node, CommonJS) and the webview bundles (browser).
// `--production` minifies; `--watch` rebuilds on change. Source maps always.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild's problems in a form VS Code's problem matcher understands. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        process.stderr.write(`✘ [ERROR] ${text}\n`);
        if (location) process.stderr.write(`    ${location.file}:${location.line}:${location.column}:\n`);
      }
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemReporter],
};

/**
 * Both extension-host bundles. VS Code's extension host turns every read of the global `navigator`
 * into a PendingMigrationError ("navigator is now a global in nodejs"); zod reads it as soon as the
 * first object schema is built (its check for Cloudflare before JIT-compiling parsers), and the SDKs
 * read it to detect a browser. In the extension host there is no browser navigator to find, so the
 * reads are compiled out.
 */
const nodeBundle = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { navigator: 'undefined', 'globalThis.navigator': 'undefined' },
};

const webviewEntries = fs.existsSync('webview')
  ? fs.readdirSync('webview').filter((f) => /^[a-zA-Z]+\.ts$/.test(f) && !f.endsWith('.d.ts'))
  : [];

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    ...nodeBundle,
    external: ['vscode'],
    define: { ...nodeBundle.define, 'process.env.SWITCHBOARD_BUILD': JSON.stringify(production ? 'production' : 'development') },
  },
  {
    // The provider SDKs, loaded by the extension on the first model request (keeps activation light).
    ...common,
    entryPoints: ['src/core/providers/createProvider.ts'],
    outfile: 'dist/providers.js',
    ...nodeBundle,
  },
  ...webviewEntries.map((file) => ({
    ...common,
    entryPoints: [path.join('webview', file)],
    outfile: path.join('dist', 'webview', file.replace(/\.ts$/, '.js')),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  })),
];

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    process.stdout.write('[watch] build started\n');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

// Required by a test for its node bundle options; run as a script, it builds.
module.exports = { nodeBundle };
if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}
