import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders an import may not reach, as gitignore-style groups matched against the import source. */
const FOLDERS = {
  vscodeLayer: ['**/vscode/**'],
  shared: ['**/shared/**'],
  panels: ['**/panels/**'],
  webview: ['**/webview/**'],
};

/** A no-restricted-imports block for one floor: `messages.vscode` bans the vscode module, the other keys ban FOLDERS. */
function floor(files, messages) {
  const { vscode, ...folders } = messages;
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: vscode === undefined ? [] : [{ name: 'vscode', message: vscode }],
          patterns: Object.entries(folders).map(([folder, message]) => ({ group: FOLDERS[folder], message })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.tools/**', 'node_modules/**', 'artifacts/**', 'sample-workspace/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Floors run one way: core < shared < panels < vscode / webview. One block per floor: a later block matching the
  // same files would replace an earlier one's no-restricted-imports, not add to it, so the globs must not overlap.
  floor(['src/core/**/*.ts'], {
    vscode: 'src/core must not import vscode: take what you need through Ports or a settings snapshot.',
    vscodeLayer: 'src/core must not depend on the vscode adapter layer (src/vscode).',
    shared:
      'src/core must not import src/shared (a higher floor): put the vocabulary both need in core (e.g. core/types.ts) and let shared import it.',
    panels: 'src/core must not import src/panels (a higher floor): panel models are built on core, not the other way round.',
    webview: 'src/core must not import webview code.',
  }),
  floor(['src/shared/**/*.ts'], {
    vscode: 'src/shared must not import vscode: the webview bundles and the unit tests load it outside VS Code.',
    vscodeLayer: 'src/shared must not import src/vscode: the protocol and panel data are plain types and constants.',
    panels:
      'src/shared must not import src/panels: the data a panel receives is a plain type in src/shared (e.g. routerPanelData.ts) that the panel model imports.',
    webview: 'src/shared must not import webview code.',
  }),
  floor(['src/panels/**/*.ts'], {
    vscode:
      'src/panels must not import vscode: a panel model is pure state, unit-tested without VS Code; its host in src/vscode does the I/O.',
    vscodeLayer: 'src/panels must not import src/vscode: the host composes the panel model, not the other way round.',
    webview: 'src/panels must not import webview code: the panel model runs on the host.',
  }),
  floor(['webview/**/*.ts'], {
    vscode: 'webview code runs in the browser and cannot import vscode: talk to the host through the protocol in src/shared.',
    vscodeLayer: 'webview code must not import src/vscode (host code): use the protocol types in src/shared.',
    panels:
      'webview code must not import src/panels (host-side models): import the plain data it receives from src/shared (routerPanelData.ts, the protocols).',
  }),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
